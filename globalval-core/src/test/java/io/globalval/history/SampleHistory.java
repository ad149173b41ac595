package io.globalval.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small valid history, by name, that tests change one piece at a time.
 * <p>
 * Nodes: node-a logs every change 1..7; node-b started from a snapshot at
 * revision 2 and stopped at revision 6. Clients: alice on node-a, bob on node-b.
 * Key x goes 1 -> 2 (by compare-and-set), y is set then deleted, n is a counter
 * (+5, +2 acknowledged, +1 timed out but applied).
 */
final class SampleHistory {

	static final List<Change> CHANGES = List.of(new Change(1, "x", "1", WriteId.of(1, 1)),
			new Change(2, "y", "\"b\"", WriteId.of(2, 1)), new Change(3, "n", "5", WriteId.of(1, 2)),
			new Change(4, "n", "7", WriteId.of(2, 2)), new Change(5, "x", "2", WriteId.of(1, 3)),
			new Change(6, "y", null, WriteId.of(1, 4)), new Change(7, "n", "8", WriteId.of(2, 5)));

	private final Map<String, Operation> operations = new LinkedHashMap<>();

	private final Map<String, NodeLog> nodeLogs = new LinkedHashMap<>();

	SampleHistory() {
		operation("aliceSetsX", Operation.ok("alice", "node-a", Command.set("x", "1", WriteId.of(1, 1)), 10, 20,
				Result.revision(1)));
		operation("bobSetsY", Operation.ok("bob", "node-b", Command.set("y", "\"b\"", WriteId.of(2, 1)), 12, 25,
				Result.revision(2)));
		operation("aliceIncrementsN", Operation.ok("alice", "node-a", Command.increment("n", 5, WriteId.of(1, 2)), 30,
				40, Result.counter(5, 3)));
		operation("bobIncrementsN", Operation.ok("bob", "node-b", Command.increment("n", 2, WriteId.of(2, 2)), 31, 45,
				Result.counter(7)));
		operation("aliceSwapsX", Operation.ok("alice", "node-a",
				Command.compareAndSet("x", "1", "2", WriteId.of(1, 3)), 50, 60, Result.applied(true, 5)));
		operation("bobFailsToSwapX", Operation.ok("bob", "node-b",
				Command.compareAndSet("x", "1", "3", WriteId.of(2, 3)), 52, 62, Result.applied(false)));
		operation("aliceDeletesY", Operation.ok("alice", "node-a", Command.delete("y", WriteId.of(1, 4)), 70, 80,
				Result.applied(true)));
		operation("bobReadsX", Operation.ok("bob", "node-b", Command.read("x"), 90, 95, Result.read("2", 5, 6)));
		operation("aliceReadsY", Operation.ok("alice", "node-a", Command.read("y"), 90, 92, Result.read(null, 6, 6)));
		operation("bobFailsToSetZ", Operation.failed("bob", "node-b", Command.set("z", "\"z\"", WriteId.of(2, 4)), 100,
				110));
		operation("bobIncrementTimesOut", Operation.unknown("bob", "node-b",
				Command.increment("n", 1, WriteId.of(2, 5)), 120, Operation.NEVER));
		operation("bobReadsN", Operation.ok("bob", "node-b", Command.read("n"), 130, 135, Result.read("7", 6, 6)));
		nodeLog(nodeA(CHANGES, Map.of("x", "2", "n", "8"), 7));
		nodeLog(nodeB(Map.of("x", "1", "y", "\"b\""), CHANGES.subList(2, 6), Map.of("x", "2", "n", "7")));
	}

	static NodeLog nodeA(List<Change> changes, Map<String, String> finalMap, long finalRevision) {
		return new NodeLog("node-a", new ArrayList<>(changes), finalMap, finalRevision);
	}

	static NodeLog nodeB(Map<String, String> snapshot, List<Change> changes, Map<String, String> finalMap) {
		List<LogEntry> entries = new ArrayList<>();
		entries.add(new Snapshot(2, snapshot));
		entries.addAll(changes);
		return new NodeLog("node-b", entries, finalMap, 6);
	}

	/**
	 * Add or replace a named operation.
	 */
	SampleHistory operation(String name, Operation operation) {
		this.operations.put(name, operation);
		return this;
	}

	/**
	 * Add or replace the log of a node.
	 */
	SampleHistory nodeLog(NodeLog nodeLog) {
		this.nodeLogs.put(nodeLog.nodeId(), nodeLog);
		return this;
	}

	Operation operation(String name) {
		return this.operations.get(name);
	}

	History history() {
		return new History(new ArrayList<>(this.operations.values()), new ArrayList<>(this.nodeLogs.values()));
	}

	List<Anomaly> check() {
		return HistoryChecker.check(history());
	}

}
