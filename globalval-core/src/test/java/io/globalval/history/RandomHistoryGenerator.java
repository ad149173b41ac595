package io.globalval.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generates correct histories from a simple sequential model: a master assigns
 * revisions, node 0 applies everything at once, the other nodes lag by random
 * amounts. Node 2 joins late from a snapshot and node 1 reloads a snapshot
 * mid-life. Clients run one operation at a time; an acknowledged write waits
 * until the client's node applied it, some writes fail (not applied) or time out
 * (applied or not).
 */
final class RandomHistoryGenerator {

	private static final int NODES = 3;

	private static final int CLIENTS_PER_NODE = 2;

	private static final String[] KEYS = { "a", "b", "c", "d" };

	private static final String[] COUNTERS = { "hits", "stock" };

	private final Random random;

	private final List<Change> changes = new ArrayList<>();

	private final Map<String, String> master = new HashMap<>();

	private final List<Replica> replicas = new ArrayList<>();

	private final List<Operation> operations = new ArrayList<>();

	private long time;

	private RandomHistoryGenerator(long seed) {
		this.random = new Random(seed);
		for (int node = 0; node < NODES; node++) {
			this.replicas.add(new Replica("node-" + node, node + 1));
		}
	}

	/**
	 * Generate a correct history.
	 * @param seed the random seed
	 * @param operationCount the number of client operations
	 * @return the history
	 */
	static History generate(long seed, int operationCount) {
		return new RandomHistoryGenerator(seed).run(operationCount);
	}

	private History run(int operationCount) {
		this.replicas.get(0).joined = true;
		this.replicas.get(1).joined = true;
		for (int i = 0; i < operationCount; i++) {
			if (i == operationCount / 5) {
				reload(this.replicas.get(2));
			}
			if (i == operationCount * 3 / 5) {
				reload(this.replicas.get(1));
			}
			lagAtRandom();
			Replica replica = pickJoinedReplica();
			String client = "client-" + replica.origin + "-" + this.random.nextInt(CLIENTS_PER_NODE);
			runOperation(client, replica, i);
		}
		List<NodeLog> logs = new ArrayList<>();
		for (Replica replica : this.replicas) {
			logs.add(new NodeLog(replica.nodeId, replica.log, replica.state, replica.revision));
		}
		return new History(this.operations, logs);
	}

	private void runOperation(String client, Replica replica, int index) {
		int choice = this.random.nextInt(10);
		if (choice < 4) {
			read(client, replica);
			return;
		}
		long invoke = this.time++;
		WriteId writeId = WriteId.of(replica.origin, ++replica.sequence);
		String key = KEYS[this.random.nextInt(KEYS.length)];
		Command command;
		if (choice < 6) {
			command = Command.set(key, "\"v" + index + "\"", writeId);
		}
		else if (choice < 7) {
			command = Command.delete(key, writeId);
		}
		else if (choice < 8) {
			String expected = this.random.nextBoolean() ? this.master.get(key) : "\"v" + this.random.nextInt(index + 1) + "\"";
			command = Command.compareAndSet(key, expected, "\"v" + index + "\"", writeId);
		}
		else {
			String counter = COUNTERS[this.random.nextInt(COUNTERS.length)];
			command = Command.increment(counter, this.random.nextInt(9) - 3, writeId);
		}
		int outcome = this.random.nextInt(100);
		if (outcome < 6) {
			this.operations.add(Operation.failed(client, replica.nodeId, command, invoke, this.time++));
		}
		else if (outcome < 12) {
			if (this.random.nextBoolean()) {
				commit(command);
			}
			this.operations.add(Operation.unknown(client, replica.nodeId, command, invoke, Operation.NEVER));
		}
		else {
			Result result = commit(command);
			if (result.applied()) {
				advance(replica, this.changes.size());
			}
			this.operations.add(Operation.ok(client, replica.nodeId, command, invoke, this.time++, result));
		}
	}

	/**
	 * Apply a write at the master, as the system would, and answer it.
	 */
	private Result commit(Command command) {
		String key = command.key();
		String current = this.master.get(key);
		return switch (command.kind()) {
			case SET -> Result.revision(append(key, command.value(), command.writeId()));
			case DELETE -> (current != null) ? Result.applied(true, append(key, null, command.writeId()))
					: Result.applied(false);
			case COMPARE_AND_SET -> Objects.equals(current, command.expected())
					? Result.applied(true, append(key, command.value(), command.writeId())) : Result.applied(false);
			case INCREMENT -> {
				long value = ((current != null) ? Long.parseLong(current) : 0) + command.delta();
				yield Result.counter(value, append(key, Long.toString(value), command.writeId()));
			}
			case READ -> throw new IllegalArgumentException("Not a write: " + command);
		};
	}

	private long append(String key, String value, WriteId writeId) {
		long revision = this.changes.size() + 1;
		this.changes.add(new Change(revision, key, value, writeId));
		if (value != null) {
			this.master.put(key, value);
		}
		else {
			this.master.remove(key);
		}
		advance(this.replicas.get(0), revision);
		return revision;
	}

	private void read(String client, Replica replica) {
		String key = this.random.nextBoolean() ? KEYS[this.random.nextInt(KEYS.length)]
				: COUNTERS[this.random.nextInt(COUNTERS.length)];
		long invoke = this.time++;
		long before = replica.revision;
		maybeCatchUp(replica);
		String value = replica.state.get(key);
		maybeCatchUp(replica);
		this.operations.add(
				Operation.ok(client, replica.nodeId, Command.read(key), invoke, this.time++, Result.read(value, before, replica.revision)));
	}

	private void maybeCatchUp(Replica replica) {
		if (this.random.nextInt(4) == 0) {
			advance(replica, replica.revision + this.random.nextInt((int) (this.changes.size() - replica.revision) + 1));
		}
	}

	private void lagAtRandom() {
		Replica replica = this.replicas.get(1 + this.random.nextInt(NODES - 1));
		if (replica.joined && this.random.nextInt(3) == 0) {
			advance(replica, replica.revision + this.random.nextInt((int) (this.changes.size() - replica.revision) + 1));
		}
	}

	private Replica pickJoinedReplica() {
		while (true) {
			Replica replica = this.replicas.get(this.random.nextInt(NODES));
			if (replica.joined) {
				return replica;
			}
		}
	}

	private void advance(Replica replica, long target) {
		while (replica.revision < target) {
			Change change = this.changes.get((int) replica.revision);
			if (change.value() != null) {
				replica.state.put(change.key(), change.value());
			}
			else {
				replica.state.remove(change.key());
			}
			replica.log.add(change);
			replica.revision = change.revision();
		}
	}

	private void reload(Replica replica) {
		replica.state = new HashMap<>(this.master);
		replica.revision = this.changes.size();
		replica.log.add(new Snapshot(replica.revision, this.master));
		replica.joined = true;
	}

	/**
	 * One node's replica and log.
	 */
	private static final class Replica {

		private final String nodeId;

		private final long origin;

		private final List<LogEntry> log = new ArrayList<>();

		private Map<String, String> state = new HashMap<>();

		private long revision;

		private long sequence;

		private boolean joined;

		Replica(String nodeId, long origin) {
			this.nodeId = nodeId;
			this.origin = origin;
		}

	}

}
