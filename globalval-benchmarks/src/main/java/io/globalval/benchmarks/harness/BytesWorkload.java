package io.globalval.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Workload B: the bytes one set of one key costs on the wire, summed over the processes
 * of a group, at each map size of {@code --B-K}; one line with the least of
 * {@code --B-reps} sets per size.
 */
final class BytesWorkload extends Workload {

	BytesWorkload(Harness harness) {
		super(harness, "B");
	}

	@Override
	void run(String system) {
		HarnessOptions options = options();
		Map<String, Object> line = line(system);
		line.put("K", options.bytesKeys);
		line.put("N", options.workers);
		try (SystemGroup group = harness().startGroup(system, 0, null)) {
			ChildProcess writer = group.workers.get(0);
			List<ChildProcess> others = group.workers.subList(1, group.workers.size());
			warm(group, List.of(writer));
			int loaded = 0;
			long seq = 1_000_000;
			for (int keys : options.bytesKeys) {
				if (keys > loaded) {
					preloadMore(group, loaded, keys);
					loaded = keys;
				}
				pause(300);
				List<Long> deltas = new ArrayList<>();
				for (int rep = 0; rep < options.bytesRepetitions; rep++) {
					long before = bytesSent(group);
					seq++;
					writer.call(30_000, new ChildCommand.SetOne("k0", 0, seq));
					ChildProcess.callAll(others, 30_000, new ChildCommand.AwaitValue("k0", seq, 20_000));
					pause(200);
					deltas.add(bytesSent(group) - before);
				}
				long min = deltas.stream().mapToLong(Long::longValue).min().orElse(-1);
				line.put("bytes_k" + keys, (min < 0) ? null : min);
				line.put("bytes_reps_k" + keys, deltas);
			}
			line.put("counted", switch (system) {
				case "globalval" -> "sum over master and workers of metrics().bytesSent() deltas (pings off)";
				case "relay" -> "bytes written by the writer and by the relay";
				default -> "sum over members of Hazelcast's per-connection bytesWritten (internal NioChannel counter)";
			});
			line.put("figure", "minimum over " + options.bytesRepetitions + " single sets (background traffic excluded)");
		}
		emit(line);
	}

	/** Grow the map from {@code from} to {@code to} keys and wait until every replica has them. */
	private void preloadMore(SystemGroup group, int from, int to) {
		ChildCommand preload = new ChildCommand.Preload(from, to);
		switch (group.system) {
			case "globalval" -> {
				group.hub.call(SystemGroup.START_TIMEOUT_MILLIS, preload);
				group.sync(null, 0);
			}
			case "relay" -> ChildProcess.callAll(group.workers, SystemGroup.START_TIMEOUT_MILLIS, preload);
			default -> {
				group.workers.get(0).call(SystemGroup.START_TIMEOUT_MILLIS, preload);
				group.sync("k" + (to - 1), to - 1);
			}
		}
	}

	/** The bytes every process of the group sent so far, or -1 if one cannot tell. */
	private static long bytesSent(SystemGroup group) {
		long total = 0;
		for (JsonNode b : ChildProcess.callAll(group.all(), 30_000, new ChildCommand.Bytes())) {
			long v = b.get("bytes").asLong();
			if (v < 0) {
				return -1;
			}
			total += v;
		}
		return total;
	}

}
