package io.globalval.benchmarks.harness;

import java.util.Map;

import tools.jackson.databind.JsonNode;

import static io.globalval.benchmarks.harness.Figures.round;

/**
 * Workload J: a new process joins a group whose map holds {@code --J-K} keys; one line
 * with the time until it holds them all. The relay keeps no state, so it has nothing to
 * join.
 */
final class JoinWorkload extends Workload {

	JoinWorkload(Harness harness) {
		super(harness, "J");
	}

	@Override
	void run(String system) {
		HarnessOptions options = options();
		int keys = options.joinKeys;
		Map<String, Object> line = line(system);
		line.put("K", keys);
		line.put("N", options.workers);
		if ("relay".equals(system)) {
			line.put("join_ms", null);
			line.put("note", "the relay keeps no state, so a new worker has nothing to join");
			emit(line);
			return;
		}
		try (SystemGroup group = harness().startGroup(system, keys, null)) {
			String jfr = ("globalval".equals(system) && options.jfrDirectory != null)
					? "J-run" + harness().currentRun() : null;
			ChildProcess joiner = group.start("globalval".equals(system) ? "worker" : "member", options.workers, true,
					harness().jfrOptions(jfr, "joiner"));
			group.graceful = jfr != null;
			group.extra.add(joiner);
			joiner.awaitHello(SystemGroup.START_TIMEOUT_MILLIS);
			pause(500);
			JsonNode joined = joiner.call(SystemGroup.START_TIMEOUT_MILLIS + 60_000,
					new ChildCommand.Join(keys, SystemGroup.START_TIMEOUT_MILLIS));
			line.put("join_ms", round(joined.get("join_ms").asDouble(), 1));
			line.put("start_returned_ms", round(joined.get("start_returned_ms").asDouble(), 1));
			line.put("keys_after_join", joined.get("size").asInt());
			line.put("measured", "globalval".equals(system) ? "GlobalValNodes.start() to ready() (snapshot applied)"
					: "Hazelcast.newHazelcastInstance() to the local replicated map holding K entries");
		}
		emit(line);
	}

}
