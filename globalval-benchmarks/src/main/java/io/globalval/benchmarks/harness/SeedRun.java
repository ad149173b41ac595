package io.globalval.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.json.JsonMapper;

/**
 * The Node.js seed, once per run: its own driver ({@code --seed}) runs the workloads
 * asked for, and the JSON lines it prints are passed through with the harness's run
 * number.
 */
final class SeedRun {

	private static final Logger logger = LoggerFactory.getLogger(SeedRun.class);

	private static final List<String> SEED_WORKLOADS = List.of("L", "T", "C", "B", "J", "R");

	private final Harness harness;

	private final JsonMapper mapper = JsonMapper.builder().build();

	SeedRun(Harness harness) {
		this.harness = harness;
	}

	/**
	 * Run the seed's driver on the workloads it has, if any were asked for, and emit its
	 * lines.
	 */
	void run() {
		HarnessOptions options = this.harness.options();
		int run = this.harness.currentRun();
		List<String> workloads = new ArrayList<>();
		for (String w : options.workloads) {
			if (SEED_WORKLOADS.contains(w)) {
				workloads.add(w);
			}
		}
		if (workloads.isEmpty()) {
			return;
		}
		Path script = options.root.resolve(options.seedScript).normalize();
		List<String> command = new ArrayList<>(List.of("node", script.toString(), "--runs=1",
				"--cap-s=" + options.capSeconds, "--S=" + options.latencySets, "--U=" + options.throughputUpdates));
		command.addAll(workloads);
		logger.info("run {}: seed: {}", run, String.join(" ", command));
		Process process = null;
		try {
			process = new ProcessBuilder(command).directory(script.getParent().toFile())
				.redirectError(ProcessBuilder.Redirect.appendTo(
						this.harness.workDirectory().resolve("logs").resolve("seed-run" + run + ".log").toFile()))
				.start();
			Process seed = process;
			long limitMillis = 330_000L * (workloads.size() + 4);
			CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> passThrough(seed));
			if (!process.waitFor(limitMillis, TimeUnit.MILLISECONDS)) {
				logger.warn("The seed did not finish within {} ms; killing it", limitMillis);
			}
			reading.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			logger.warn("run {}: the seed failed", run, ex);
			Map<String, Object> line = this.harness.line("seed", String.join("", workloads));
			line.put("error", String.valueOf(ex.getMessage()));
			this.harness.emit(line);
		}
		finally {
			if (process != null) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
			}
		}
	}

	private void passThrough(Process seed) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(seed.getInputStream(), StandardCharsets.UTF_8))) {
			String text;
			while ((text = reader.readLine()) != null) {
				if (!text.startsWith("{")) {
					continue;
				}
				@SuppressWarnings("unchecked")
				Map<String, Object> line = this.mapper.readValue(text, LinkedHashMap.class);
				line.put("run", this.harness.currentRun());
				this.harness.emit(line);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
