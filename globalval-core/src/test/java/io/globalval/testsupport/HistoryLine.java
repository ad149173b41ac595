package io.globalval.testsupport;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of a history file that a {@link HistoryNodeProcessMain} writes (JSON, one
 * object a line) and {@link HistoryFiles} reads back: what a process's clients did and
 * what the process applied. Only the components that are meaningful for the line's
 * {@code type} are set; create lines with the factory methods. Times are
 * {@link System#nanoTime()} of the writing process (CLOCK_MONOTONIC, so comparable
 * across the processes of one host).
 *
 * @param type {@code node}, {@code invoke}, {@code ok}, {@code fail}, {@code unknown},
 * {@code read}, {@code change}, {@code snapshot}, {@code lost} (the node lost its master),
 * {@code joined} (a worker's first snapshot, whose map the group's history has),
 * {@code discarded} (changes the node applied that the group's history does not keep),
 * {@code role} (the node was given a role) or {@code final}
 * @param name the process's name ({@code node}), the role ({@code role})
 * @param op the number of the operation in its process ({@code invoke}, {@code ok},
 * {@code fail}, {@code unknown}, {@code read})
 * @param kind the operation's kind ({@code invoke}): {@code SET}, {@code DELETE},
 * {@code COMPARE_AND_SET} or {@code INCREMENT}
 * @param key the key ({@code invoke}, {@code read}, {@code change})
 * @param value the JSON text written ({@code invoke}), read ({@code read}) or applied
 * ({@code change}); null for a delete or an absent key
 * @param expected the value a compare-and-set expects ({@code invoke}), null for absent
 * @param delta the delta of an increment ({@code invoke})
 * @param origin the node id of the write ({@code node}: this process's, {@code invoke}
 * and {@code change}: the origin's)
 * @param seq the write's sequence number on its origin ({@code invoke}, {@code change})
 * @param time when it happened: invoked ({@code invoke}, {@code read}) or completed
 * ({@code ok}, {@code fail}, {@code unknown}), given ({@code role})
 * @param end when a {@code read} completed
 * @param revision the revision answered ({@code ok} of a set), applied ({@code change},
 * {@code snapshot}, {@code joined}), final ({@code final}), last applied ({@code lost}, {@code role}), the last
 * kept ({@code discarded}), or that wrote the value a {@code read} returned (0 for an absent key)
 * @param applied the answer of a delete or compare-and-set ({@code ok})
 * @param counter the value an increment answered ({@code ok})
 * @param before the replica's revision just before a {@code read}
 * @param after the replica's revision just after a {@code read}; the last discarded
 * ({@code discarded})
 * @param map the whole map ({@code snapshot}, {@code final})
 * @param failure what a failed or unknown write was told ({@code fail}, {@code unknown}),
 * what was discarded ({@code discarded})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryLine(String type, String name, long op, String kind, String key, String value, String expected,
		long delta, long origin, long seq, long time, long end, long revision, boolean applied, Long counter,
		long before, long after, Map<String, String> map, String failure) {

	static HistoryLine node(String name, long nodeId) {
		return new HistoryLine("node", name, 0, null, null, null, null, 0, nodeId, 0, 0, 0, 0, false, null, 0, 0, null,
				null);
	}

	static HistoryLine invoke(long op, String kind, String key, String value, String expected, long delta, long origin,
			long seq, long time) {
		return new HistoryLine("invoke", null, op, kind, key, value, expected, delta, origin, seq, time, 0, 0, false,
				null, 0, 0, null, null);
	}

	static HistoryLine ok(long op, long time, long revision, boolean applied, Long counter) {
		return new HistoryLine("ok", null, op, null, null, null, null, 0, 0, 0, time, 0, revision, applied, counter, 0,
				0, null, null);
	}

	static HistoryLine notOk(String type, long op, long time, String failure) {
		return new HistoryLine(type, null, op, null, null, null, null, 0, 0, 0, time, 0, 0, false, null, 0, 0, null,
				failure);
	}

	static HistoryLine read(long op, String key, String value, long time, long end, long before, long after,
			long entryRevision) {
		return new HistoryLine("read", null, op, null, key, value, null, 0, 0, 0, time, end, entryRevision, false, null,
				before,
				after, null, null);
	}

	static HistoryLine change(long revision, String key, String value, long origin, long seq) {
		return new HistoryLine("change", null, 0, null, key, value, null, 0, origin, seq, 0, 0, revision, false, null,
				0, 0, null, null);
	}

	static HistoryLine joined(long revision) {
		return new HistoryLine("joined", null, 0, null, null, null, null, 0, 0, 0, 0, 0, revision, false, null, 0, 0,
				null, null);
	}

	static HistoryLine discarded(long keptRevision, long lastRevision, String what) {
		return new HistoryLine("discarded", null, 0, null, null, null, null, 0, 0, 0, 0, 0, keptRevision, false, null,
				0, lastRevision, null, what);
	}

	static HistoryLine role(String role, long time, long revision) {
		return new HistoryLine("role", role, 0, null, null, null, null, 0, 0, 0, time, 0, revision, false, null, 0, 0,
				null, null);
	}

	static HistoryLine snapshot(String type, long revision, Map<String, String> map) {
		return new HistoryLine(type, null, 0, null, null, null, null, 0, 0, 0, 0, 0, revision, false, null, 0, 0, map,
				null);
	}

}
