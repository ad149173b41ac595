package io.globalval.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Checks the session guarantees of one client on one node. Sessions are per
 * client and node because replica revisions of different nodes are not
 * comparable: a client that moves to a lagging node may legitimately see an
 * older revision. O(n log n).
 * <p>
 * Monotonic reads: if read R1 completed before read R2 was invoked, the replica
 * revision cannot have dropped between them, so {@code R2.revisionAfter >=
 * R1.revisionBefore}. Comparing the outer ends of the two windows is the
 * conservative form: it holds however the samples were taken within each call.
 * <p>
 * Read your writes: if the client's write W was acknowledged on the node before
 * read R was invoked there, {@code R.revisionAfter >= revision(W)}, where the
 * revision is taken from the history, or from W's answer if W is not in it.
 */
final class SessionChecks {

	private final ReferenceHistory reference;

	SessionChecks(ReferenceHistory reference) {
		this.reference = reference;
	}

	/**
	 * Check monotonic reads.
	 * @param operations the operations
	 * @return {@link AnomalyKind#MONOTONIC_READS} anomalies
	 */
	List<Anomaly> monotonicReads(List<Operation> operations) {
		List<Anomaly> anomalies = new ArrayList<>();
		Map<Session, List<Operation>> reads = group(operations, Operation::isOkRead);
		reads.values().forEach((sessionReads) -> CompletedBeforeSweep.sweep(sessionReads,
				(read) -> read.result().revisionBefore(), sessionReads, (later, best, bestBefore) -> {
					if (later.result().revisionAfter() < bestBefore) {
						anomalies.add(new Anomaly(AnomalyKind.MONOTONIC_READS, later + " saw at most revision "
								+ later.result().revisionAfter() + " after " + best + " saw at least revision " + bestBefore));
					}
				}));
		return anomalies;
	}

	/**
	 * Check read your writes.
	 * @param operations the operations
	 * @return {@link AnomalyKind#READ_YOUR_WRITES} anomalies
	 */
	List<Anomaly> readYourWrites(List<Operation> operations) {
		List<Anomaly> anomalies = new ArrayList<>();
		Map<Session, List<Operation>> reads = group(operations, Operation::isOkRead);
		Map<Session, List<Operation>> writes = group(operations,
				(operation) -> operation.isAcknowledgedChange() && revision(operation) != 0);
		reads.forEach((session, sessionReads) -> {
			List<Operation> sessionWrites = writes.get(session);
			if (sessionWrites != null) {
				CompletedBeforeSweep.sweep(sessionWrites, this::revision, sessionReads, (read, write, revision) -> {
					if (read.result().revisionAfter() < revision) {
						anomalies.add(new Anomaly(AnomalyKind.READ_YOUR_WRITES, read + " saw at most revision "
								+ read.result().revisionAfter() + " after the client's own " + write + " at revision " + revision));
					}
				});
			}
		});
		return anomalies;
	}

	private long revision(Operation write) {
		long revision = this.reference.revisionOf(write.writeId());
		return (revision != 0) ? revision : write.result().revision();
	}

	private static Map<Session, List<Operation>> group(List<Operation> operations, Predicate<Operation> filter) {
		// Keyed by client, then node, so that grouping allocates nothing per operation.
		Map<String, Map<String, List<Operation>>> byClient = new LinkedHashMap<>();
		for (Operation operation : operations) {
			if (filter.test(operation)) {
				byClient.computeIfAbsent(operation.clientId(), (client) -> new LinkedHashMap<>())
					.computeIfAbsent(operation.nodeId(), (node) -> new ArrayList<>())
					.add(operation);
			}
		}
		Map<Session, List<Operation>> groups = new LinkedHashMap<>();
		byClient.forEach((client, byNode) -> byNode
			.forEach((node, sessionOperations) -> groups.put(new Session(client, node), sessionOperations)));
		return groups;
	}

	/**
	 * One client on one node.
	 */
	private record Session(String clientId, String nodeId) {
	}

}
