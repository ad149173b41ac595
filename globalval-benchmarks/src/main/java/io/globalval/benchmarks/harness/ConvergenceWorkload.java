package io.globalval.benchmarks.harness;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;

import static io.globalval.benchmarks.harness.Figures.round;

/**
 * Workload C: every worker sets random values of ten keys and increments one counter at
 * the same time; once quiet, every replica's map is compared: one line with the keys
 * that diverge and the counter each process holds.
 */
final class ConvergenceWorkload extends Workload {

	ConvergenceWorkload(Harness harness) {
		super(harness, "C");
	}

	@Override
	void run(String system) {
		HarnessOptions options = options();
		int sets = options.convergenceSets;
		int increments = options.convergenceIncrements;
		try (SystemGroup group = harness().startGroup(system, 0, null)) {
			long startAt = System.nanoTime() + SECOND_NANOS / 2;
			long deadline = startAt + options.capSeconds * SECOND_NANOS;
			List<JsonNode> done = ChildProcess.callAll(group.workers, options.capSeconds * 1000L + 90_000,
					new ChildCommand.ConvergenceGo(sets, increments, startAt, deadline));
			long t0 = Long.MAX_VALUE;
			long t1 = 0;
			int failed = 0;
			for (JsonNode d : done) {
				t0 = Math.min(t0, d.get("t0").asLong());
				t1 = Math.max(t1, d.get("tDone").asLong());
				failed += d.get("failed").asInt();
			}
			String quiesce;
			if ("globalval".equals(group.system)) {
				group.sync(null, 0);
				quiesce = "awaitRevision(master's revision)";
			}
			else {
				pause(2000);
				quiesce = "2 s";
			}
			List<JsonNode> dumps = ChildProcess.callAll(group.replicas(), 60_000, new ChildCommand.Dump());
			Set<String> keys = new TreeSet<>();
			dumps.forEach((d) -> d.propertyNames().forEach(keys::add));
			List<String> divergent = new ArrayList<>();
			for (String key : keys) {
				Set<String> values = new HashSet<>();
				for (JsonNode d : dumps) {
					values.add(d.has(key) ? d.get(key).asString() : null);
				}
				if (values.size() > 1) {
					divergent.add(key);
				}
			}
			long minCounter = Long.MAX_VALUE;
			long maxCounter = Long.MIN_VALUE;
			List<Long> counters = new ArrayList<>();
			for (JsonNode d : dumps) {
				long c = d.has("counter") ? Long.parseLong(d.get("counter").asString()) : 0;
				counters.add(c);
				minCounter = Math.min(minCounter, c);
				maxCounter = Math.max(maxCounter, c);
			}
			Map<String, Object> line = line(system);
			line.put("K", 10);
			line.put("N", options.workers);
			line.put("divergent_keys", divergent.size());
			line.put("divergent_names", divergent);
			line.put("counter_expected", (long) increments * options.workers);
			line.put("counter_seen", minCounter);
			line.put("counter_max", maxCounter);
			line.put("counters_per_process", counters);
			line.put("processes_compared", dumps.size());
			line.put("sets_per_worker", sets);
			line.put("incs_per_worker", increments);
			line.put("increment_primitive", "globalval".equals(system) ? "increment (atomic at the master)"
					: "get-then-set (no atomic primitive)");
			line.put("quiesce", quiesce);
			line.put("write_phase_ms", round((t1 - t0) / 1e6, 1));
			line.put("failed_writes", failed);
			emit(line);
		}
	}

}
