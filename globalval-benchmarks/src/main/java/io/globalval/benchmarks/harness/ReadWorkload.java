package io.globalval.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.benchmarks.jmh.ReadBenchmark;

import static io.globalval.benchmarks.harness.Figures.round;

/**
 * Workload R through JMH ({@link ReadBenchmark}), one fork per benchmark, once per run
 * for every system that has a benchmark (globalval, with {@code ConcurrentHashMap} as the
 * floor, and Hazelcast); one line per benchmark. JMH's own report goes to the work
 * directory.
 */
final class ReadWorkload {

	private static final Logger logger = LoggerFactory.getLogger(ReadWorkload.class);

	private final Harness harness;

	ReadWorkload(Harness harness) {
		this.harness = harness;
	}

	/**
	 * Run the benchmarks of the systems asked for, if any, and emit their lines.
	 */
	void run() {
		List<String> systems = this.harness.options().systems;
		List<String> include = new ArrayList<>();
		if (systems.contains("globalval")) {
			include.add("globalvalGet$");
			include.add("globalvalGetAsClass$");
			include.add("concurrentHashMapGet$");
		}
		if (systems.contains("hazelcast")) {
			include.add("hazelcastReplicatedMapGet$");
		}
		if (include.isEmpty()) {
			return;
		}
		int run = this.harness.currentRun();
		logger.info("run {}: R (JMH)", run);
		try {
			ChainedOptionsBuilder builder = new OptionsBuilder()
				.output(this.harness.workDirectory().resolve("logs").resolve("jmh-run" + run + ".txt").toString());
			for (String method : include) {
				builder.include(ReadBenchmark.class.getName() + "." + method);
			}
			for (RunResult result : new Runner(builder.build()).run()) {
				String method = result.getParams().getBenchmark();
				method = method.substring(method.lastIndexOf('.') + 1);
				Map<String, Object> line = this.harness.line(switch (method) {
					case "concurrentHashMapGet" -> "java-concurrenthashmap";
					case "hazelcastReplicatedMapGet" -> "hazelcast";
					default -> "globalval";
				}, "R");
				line.put("K", ReadBenchmark.KEYS);
				line.put("op", switch (method) {
					case "globalvalGet" -> "get(key)";
					case "globalvalGetAsClass" -> "get(key, Class)";
					case "concurrentHashMapGet" -> "ConcurrentHashMap.get";
					default -> "ReplicatedMap.get";
				});
				line.put("ns_per_get", round(result.getPrimaryResult().getScore(), 2));
				line.put("ns_error", round(result.getPrimaryResult().getScoreError(), 2));
				line.put("measured", "JMH avgt, 1 fork, 5x1 s warm-up, 10x1 s measurement, one thread");
				this.harness.emit(line);
			}
		}
		catch (RunnerException | RuntimeException ex) {
			logger.warn("run {}: R failed", run, ex);
			Map<String, Object> line = this.harness.line("globalval", "R");
			line.put("error", String.valueOf(ex.getMessage()));
			this.harness.emit(line);
		}
	}

}
