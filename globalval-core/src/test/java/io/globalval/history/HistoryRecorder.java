package io.globalval.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Records a {@link History} while a test runs. Thread-safe: any number of client
 * threads may invoke and complete operations, and node logs may be fed from
 * listeners or collected from other processes.
 * <p>
 * All times come from one clock, by default {@link System#nanoTime()}, so record
 * in one JVM (e.g. the test driver) or pass a clock every process shares.
 */
public final class HistoryRecorder {

	private final LongSupplier clock;

	private final Object operationsLock = new Object();

	private final List<Operation> completed = new ArrayList<>();

	private final Set<PendingOperation> pending = new HashSet<>();

	private final Map<String, NodeLog.Builder> logs = new LinkedHashMap<>();

	/**
	 * Create a recorder timed by {@link System#nanoTime()}.
	 */
	public HistoryRecorder() {
		this(System::nanoTime);
	}

	/**
	 * Create a recorder with its own clock.
	 * @param clock a monotonic clock
	 */
	public HistoryRecorder(LongSupplier clock) {
		this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
	}

	/**
	 * Record that a client invoked an operation, now.
	 * @param clientId the client
	 * @param nodeId the node it runs on
	 * @param command what it asked
	 * @return the pending operation, to be completed exactly once
	 */
	public PendingOperation invoke(String clientId, String nodeId, Command command) {
		PendingOperation operation = new PendingOperation(clientId, nodeId, command, this.clock.getAsLong());
		synchronized (this.operationsLock) {
			this.pending.add(operation);
		}
		return operation;
	}

	/**
	 * Record a change a node applied; changes of one node must be recorded in apply
	 * order.
	 * @param nodeId the node
	 * @param change the change
	 */
	public void applied(String nodeId, Change change) {
		synchronized (this.logs) {
			log(nodeId).entry(change);
		}
	}

	/**
	 * Record a snapshot a node loaded, in apply order with its changes.
	 * @param nodeId the node
	 * @param snapshot the snapshot
	 */
	public void snapshotLoaded(String nodeId, Snapshot snapshot) {
		synchronized (this.logs) {
			log(nodeId).entry(snapshot);
		}
	}

	/**
	 * Record a node's final state.
	 * @param nodeId the node
	 * @param map its final map
	 * @param revision its final revision
	 */
	public void finalState(String nodeId, Map<String, String> map, long revision) {
		synchronized (this.logs) {
			log(nodeId).finalState(map, revision);
		}
	}

	/**
	 * Record a whole node log, e.g. one collected from another process. Its
	 * entries are appended to what was recorded for the node so far.
	 * @param nodeLog the log
	 */
	public void nodeLog(NodeLog nodeLog) {
		synchronized (this.logs) {
			NodeLog.Builder builder = log(nodeLog.nodeId());
			nodeLog.entries().forEach(builder::entry);
			if (nodeLog.hasFinalState()) {
				builder.finalState(nodeLog.finalMap(), nodeLog.finalRevision());
			}
		}
	}

	/**
	 * Return what was recorded so far. Operations still pending are included as
	 * {@link Outcome#UNKNOWN} that never completed, since they may yet take
	 * effect.
	 * @return the history, operations sorted by invoke time
	 */
	public History history() {
		List<Operation> operations;
		synchronized (this.operationsLock) {
			operations = new ArrayList<>(this.completed);
			for (PendingOperation operation : this.pending) {
				operations.add(operation.toOperation(Outcome.UNKNOWN, Operation.NEVER, Result.none()));
			}
		}
		operations.sort(Comparator.comparingLong(Operation::invokeTime));
		List<NodeLog> nodeLogs = new ArrayList<>();
		synchronized (this.logs) {
			this.logs.values().forEach((builder) -> nodeLogs.add(builder.build()));
		}
		return new History(operations, nodeLogs);
	}

	private NodeLog.Builder log(String nodeId) {
		return this.logs.computeIfAbsent(nodeId, NodeLog::builder);
	}

	/**
	 * An invoked operation waiting for its outcome. Complete it exactly once, from
	 * any thread.
	 */
	public final class PendingOperation {

		private final String clientId;

		private final String nodeId;

		private final Command command;

		private final long invokeTime;

		private final AtomicBoolean done = new AtomicBoolean();

		private PendingOperation(String clientId, String nodeId, Command command, long invokeTime) {
			this.clientId = Objects.requireNonNull(clientId, "'clientId' must not be null");
			this.nodeId = Objects.requireNonNull(nodeId, "'nodeId' must not be null");
			this.command = Objects.requireNonNull(command, "'command' must not be null");
			this.invokeTime = invokeTime;
		}

		/**
		 * Record that the operation completed, now, with a result.
		 * @param result what the system answered
		 */
		public void ok(Result result) {
			complete(Outcome.OK, Objects.requireNonNull(result, "'result' must not be null"));
		}

		/**
		 * Record that the system said, now, that the operation was not applied.
		 */
		public void fail() {
			complete(Outcome.FAIL, Result.none());
		}

		/**
		 * Record that the client gave up, now, without knowing whether the operation
		 * was applied (timeout, crash).
		 */
		public void unknown() {
			complete(Outcome.UNKNOWN, Result.none());
		}

		private void complete(Outcome outcome, Result result) {
			long completeTime = HistoryRecorder.this.clock.getAsLong();
			if (!this.done.compareAndSet(false, true)) {
				throw new IllegalStateException(this.command + " of " + this.clientId + " was already completed");
			}
			Operation operation = toOperation(outcome, completeTime, result);
			// One lock for both collections so that a concurrent history() sees the
			// operation exactly once, either pending or completed.
			synchronized (HistoryRecorder.this.operationsLock) {
				HistoryRecorder.this.completed.add(operation);
				HistoryRecorder.this.pending.remove(this);
			}
		}

		private Operation toOperation(Outcome outcome, long completeTime, Result result) {
			return new Operation(this.clientId, this.nodeId, this.command, this.invokeTime, completeTime, outcome, result);
		}

	}

}
