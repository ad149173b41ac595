package io.globalval.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import static io.globalval.benchmarks.harness.Figures.micros;
import static io.globalval.benchmarks.harness.Figures.percentile;
import static io.globalval.benchmarks.harness.Figures.round;
import static io.globalval.benchmarks.harness.Figures.sum;

/**
 * Workload L: one writer sets one key {@code --S} times at a fixed interval and every
 * other worker records when each set arrived; one line per map size of {@code --L-K}
 * with the percentiles of the latency, the losses and the CPU per set.
 */
final class LatencyWorkload extends Workload {

	LatencyWorkload(Harness harness) {
		super(harness, "L");
	}

	@Override
	void run(String system) {
		for (int keys : options().latencyKeys) {
			run(system, keys);
		}
	}

	private void run(String system, int keys) {
		HarnessOptions options = options();
		int sets = options.latencySets;
		long capNanos = options.capSeconds * SECOND_NANOS;
		try (SystemGroup group = harness().startGroup(system, keys, null)) {
			ChildProcess writer = group.workers.get(0);
			List<ChildProcess> receivers = group.workers.subList(1, group.workers.size());
			warm(group, List.of(writer));
			String key = "k0";
			ChildProcess.callAll(receivers, 10_000, new ChildCommand.LatencyArm(key, sets));
			List<JsonNode> before = group.cpuSnapshot();
			long redisCpuBefore = group.redisCpuNanos();
			long deadline = System.nanoTime() + capNanos;
			JsonNode sent = writer.call(capNanos / 1_000_000 + 60_000,
					new ChildCommand.LatencySend(key, sets, options.latencyIntervalNanos, deadline));
			// what has not arrived 10 s after the last set (or at the cap) is lost
			long waitMillis = Math.max(1000, Math.min(10_000, (deadline - System.nanoTime()) / 1_000_000 + 10_000));
			List<JsonNode> results = ChildProcess.callAll(receivers, waitMillis + 30_000,
					new ChildCommand.LatencyResult(waitMillis));
			List<JsonNode> after = group.cpuSnapshot();
			long cpuUsed = sum(after, "cpu_ns") - sum(before, "cpu_ns") + group.redisCpuNanos() - redisCpuBefore;
			long switches = sum(after, "ctx_switches") - sum(before, "ctx_switches");
			int sentCount = sent.get("sent").asInt();
			List<Long> all = new ArrayList<>();
			List<Long> applied = new ArrayList<>();
			int lost = 0;
			for (JsonNode result : results) {
				result.get("applied").forEach((v) -> applied.add(v.asLong()));
				JsonNode lat = result.get("lat");
				for (int s = 0; s < sentCount; s++) {
					long v = lat.get(s).asLong();
					if (v >= 0) {
						all.add(v);
					}
					else {
						lost++;
					}
				}
			}
			all.sort(null);
			long tFirst = sent.get("tFirst").asLong();
			long tLast = sent.get("tLast").asLong();
			Map<String, Object> line = line(system);
			line.put("K", keys);
			line.put("N", options.workers);
			line.put("S", sets);
			line.put("p50_us", micros(percentile(all, 50)));
			line.put("p99_us", micros(percentile(all, 99)));
			line.put("max_us", micros(all.isEmpty() ? null : all.get(all.size() - 1)));
			line.put("lost", lost);
			if (!applied.isEmpty()) {
				// globalval only: origin write to application in the replica, before the listener hop
				applied.sort(null);
				line.put("applied_p50_us", micros(percentile(applied, 50)));
				line.put("applied_p99_us", micros(percentile(applied, 99)));
			}
			line.put("arrivals", all.size());
			line.put("sets_done", sentCount);
			line.put("failed_writes", sent.get("failed").asInt());
			line.put("capped", sentCount < sets);
			line.put("cap_s", options.capSeconds);
			line.put("mean_set_interval_ms", (sentCount > 1) ? round((tLast - tFirst) / 1e6 / (sentCount - 1), 3) : null);
			line.put("warm_sets", options.warmSets);
			line.put("cpu_us_per_set", round(cpuUsed / 1e3 / Math.max(1, sentCount), 1));
			line.put("context_switches_per_set", round(switches / (double) Math.max(1, sentCount), 1));
			emit(line);
		}
	}

}
