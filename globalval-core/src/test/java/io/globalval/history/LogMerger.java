package io.globalval.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges node logs into one change per revision, checking that each log is
 * gap-free and that logs agree wherever they overlap. The first log to have a
 * revision provides the reference change. Not thread-safe.
 */
final class LogMerger {

	private final ChangeTable changes;

	private final Map<Long, List<NodeState>> states = new HashMap<>();

	private final List<Anomaly> logAnomalies = new ArrayList<>();

	private final List<Anomaly> finalStateAnomalies = new ArrayList<>();

	private int logCount;

	/**
	 * Create a merger.
	 * @param expectedEntries the total number of entries of the logs to merge
	 */
	LogMerger(long expectedEntries) {
		this.changes = new ChangeTable(expectedEntries);
	}

	/**
	 * Merge one node's log.
	 * @param log the log
	 */
	void add(NodeLog log) {
		this.logCount++;
		String node = log.nodeId();
		long applied = 0;
		for (LogEntry entry : log.entries()) {
			if (entry instanceof Snapshot snapshot) {
				if (snapshot.revision() < applied) {
					divergence(node + " loaded a snapshot at revision " + snapshot.revision() + " after applying revision "
							+ applied + ": its replica went backwards");
				}
				addState(new NodeState(node, snapshot.revision(), snapshot.map(), false));
			}
			else if (entry instanceof Change change) {
				if (change.revision() != applied + 1) {
					divergence(node + " applied revision " + change.revision() + " right after revision " + applied
							+ " (expected " + (applied + 1) + ")");
				}
				merge(node, change);
			}
			applied = entry.revision();
		}
		if (log.hasFinalState()) {
			if (log.finalRevision() < applied) {
				this.finalStateAnomalies.add(new Anomaly(AnomalyKind.FINAL_STATE, node + " reports final revision "
						+ log.finalRevision() + " but its log reached revision " + applied));
			}
			addState(new NodeState(node, log.finalRevision(), log.finalMap(), true));
		}
	}

	private void merge(String node, Change change) {
		SourcedChange reference = this.changes.get(change.revision());
		if (reference == null) {
			this.changes.putIfAbsent(change.revision(), new SourcedChange(change, node));
		}
		else if (!reference.change().agreesWith(change)) {
			divergence("Revision " + change.revision() + " is " + reference.change() + " on " + reference.nodeId() + " but "
					+ change + " on " + node);
		}
	}

	private void addState(NodeState state) {
		this.states.computeIfAbsent(state.revision(), (revision) -> new ArrayList<>()).add(state);
	}

	private void divergence(String message) {
		this.logAnomalies.add(new Anomaly(AnomalyKind.LOG_DIVERGENCE, message));
	}

	/**
	 * Return whether no log was merged.
	 * @return whether there were no logs
	 */
	boolean isEmpty() {
		return this.logCount == 0;
	}

	ChangeTable changes() {
		return this.changes;
	}

	Map<Long, List<NodeState>> states() {
		return this.states;
	}

	List<Anomaly> logAnomalies() {
		return this.logAnomalies;
	}

	List<Anomaly> finalStateAnomalies() {
		return this.finalStateAnomalies;
	}

}
