package io.globalval.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link History} against the guarantees of a replicated map whose
 * master numbers every change 1, 2, 3, ... and whose nodes apply changes in that
 * order.
 * <p>
 * The node logs are merged once into a reference history (one change per
 * revision); because revisions give a total order, every check is then a hash
 * lookup, a binary search or a sorted sweep, so checking is O(n log n) in the
 * size of the history. Checks that need a part of the history no log has (a gap,
 * e.g. all nodes started from a snapshot) skip what they cannot decide rather
 * than guess.
 * <p>
 * Create one checker per history; it is not thread-safe.
 */
public final class HistoryChecker {

	private final History history;

	private final ReferenceHistory reference;

	/**
	 * Create a checker, merging and replaying the node logs.
	 * @param history the history to check
	 */
	public HistoryChecker(History history) {
		this.history = history;
		this.reference = ReferenceHistory.of(history.nodeLogs());
	}

	/**
	 * Run every check on a history.
	 * @param history the history
	 * @return all anomalies, grouped by {@link AnomalyKind} in declaration order;
	 * empty if the history is valid
	 */
	public static List<Anomaly> check(History history) {
		return new HistoryChecker(history).checkAll();
	}

	/**
	 * Run every check.
	 * @return all anomalies, grouped by {@link AnomalyKind} in declaration order
	 */
	public List<Anomaly> checkAll() {
		List<Anomaly> anomalies = new ArrayList<>();
		anomalies.addAll(checkLogs());
		anomalies.addAll(checkLostWrites());
		anomalies.addAll(checkFailedWrites());
		anomalies.addAll(checkDuplicateApplies());
		anomalies.addAll(checkResults());
		anomalies.addAll(checkCounters());
		anomalies.addAll(checkRealTimeOrder());
		anomalies.addAll(checkReads());
		anomalies.addAll(checkMonotonicReads());
		anomalies.addAll(checkReadYourWrites());
		anomalies.addAll(checkFinalStates());
		return anomalies;
	}

	/**
	 * Check that node logs agree at every revision, that each log is gap-free and
	 * that each snapshot matches the replayed history.
	 * @return {@link AnomalyKind#LOG_DIVERGENCE} anomalies
	 */
	public List<Anomaly> checkLogs() {
		return this.reference.logAnomalies();
	}

	/**
	 * Check that every acknowledged write that changed something is in the
	 * history.
	 * @return {@link AnomalyKind#LOST_WRITE} anomalies
	 */
	public List<Anomaly> checkLostWrites() {
		return new WriteChecks(this.reference).lostWrites(this.history.operations());
	}

	/**
	 * Check that no write that definitely failed is in the history.
	 * @return {@link AnomalyKind#FAILED_WRITE_APPLIED} anomalies
	 */
	public List<Anomaly> checkFailedWrites() {
		return new WriteChecks(this.reference).failedWritesApplied(this.history.operations());
	}

	/**
	 * Check that no write id appears at more than one revision.
	 * @return {@link AnomalyKind#DUPLICATE_APPLY} anomalies
	 */
	public List<Anomaly> checkDuplicateApplies() {
		Map<WriteId, Operation> writers = new HashMap<>();
		for (Operation operation : this.history.operations()) {
			if (operation.writeId() != null) {
				writers.putIfAbsent(operation.writeId(), operation);
			}
		}
		return new WriteChecks(this.reference).duplicateApplies(writers);
	}

	/**
	 * Check that what writes answered (revision, boolean, counter value) and what
	 * was applied for them (value, compare-and-set precondition) agree with the
	 * history.
	 * @return {@link AnomalyKind#WRONG_RESULT} anomalies
	 */
	public List<Anomaly> checkResults() {
		return new WriteChecks(this.reference).wrongResults(this.history.operations());
	}

	/**
	 * Check that counters add up to their increments and stay within the bounds
	 * set by acknowledged and unknown increments.
	 * @return {@link AnomalyKind#COUNTER} anomalies
	 */
	public List<Anomaly> checkCounters() {
		return new CounterCheck(this.reference).check(this.history.operations());
	}

	/**
	 * Check that a write acknowledged before another was invoked got a lower
	 * revision.
	 * @return {@link AnomalyKind#REAL_TIME_ORDER} anomalies
	 */
	public List<Anomaly> checkRealTimeOrder() {
		return new RealTimeOrderCheck(this.reference).check(this.history.operations());
	}

	/**
	 * Check that every read returned a value its key held within the read's
	 * revision window.
	 * @return {@link AnomalyKind#STALE_READ} and {@link AnomalyKind#BAD_READ}
	 * anomalies
	 */
	public List<Anomaly> checkReads() {
		return new ReadCheck(this.reference).check(this.history.operations());
	}

	/**
	 * Check that the replica revision a client observes on a node never drops.
	 * @return {@link AnomalyKind#MONOTONIC_READS} anomalies
	 */
	public List<Anomaly> checkMonotonicReads() {
		return new SessionChecks(this.reference).monotonicReads(this.history.operations());
	}

	/**
	 * Check that a client's reads on a node see its own earlier acknowledged
	 * writes there.
	 * @return {@link AnomalyKind#READ_YOUR_WRITES} anomalies
	 */
	public List<Anomaly> checkReadYourWrites() {
		return new SessionChecks(this.reference).readYourWrites(this.history.operations());
	}

	/**
	 * Check that each node's final map equals the replayed history at its final
	 * revision.
	 * @return {@link AnomalyKind#FINAL_STATE} anomalies
	 */
	public List<Anomaly> checkFinalStates() {
		return this.reference.finalStateAnomalies();
	}

}
