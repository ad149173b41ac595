package io.globalval.history;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks that revisions respect real time: if write A was acknowledged before
 * write B was invoked and both are in the history, A's revision is lower.
 * O(n log n): one sweep keeps the highest revision acknowledged so far.
 */
final class RealTimeOrderCheck {

	private final ReferenceHistory reference;

	RealTimeOrderCheck(ReferenceHistory reference) {
		this.reference = reference;
	}

	/**
	 * Check the writes of a history.
	 * @param operations the operations
	 * @return {@link AnomalyKind#REAL_TIME_ORDER} anomalies, one per write that got
	 * too low a revision
	 */
	List<Anomaly> check(List<Operation> operations) {
		List<Operation> applied = new ArrayList<>();
		List<Operation> acknowledged = new ArrayList<>();
		for (Operation operation : operations) {
			if (operation.writeId() != null && this.reference.revisionOf(operation.writeId()) != 0) {
				applied.add(operation);
				if (operation.outcome() == Outcome.OK) {
					acknowledged.add(operation);
				}
			}
		}
		List<Anomaly> anomalies = new ArrayList<>();
		CompletedBeforeSweep.sweep(acknowledged, this::revision, applied, (later, best, bestRevision) -> {
			long revision = revision(later);
			if (bestRevision > revision) {
				anomalies.add(new Anomaly(AnomalyKind.REAL_TIME_ORDER, later + " got revision " + revision
						+ " although " + best + ", at revision " + bestRevision + ", completed before it was invoked"));
			}
		});
		return anomalies;
	}

	private long revision(Operation operation) {
		return this.reference.revisionOf(operation.writeId());
	}

}
