package io.globalval.history;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks that every read returned a value its key held at some revision within
 * the read's window [revision before, revision after]. Reads whose window the
 * history does not fully cover are skipped. O(log n) per read.
 */
final class ReadCheck {

	private final ReferenceHistory reference;

	ReadCheck(ReferenceHistory reference) {
		this.reference = reference;
	}

	/**
	 * Check the reads of a history.
	 * @param operations the operations
	 * @return {@link AnomalyKind#STALE_READ} and {@link AnomalyKind#BAD_READ}
	 * anomalies
	 */
	List<Anomaly> check(List<Operation> operations) {
		List<Anomaly> anomalies = new ArrayList<>();
		for (Operation read : operations) {
			if (!read.isOkRead()) {
				continue;
			}
			Result result = read.result();
			long from = result.revisionBefore();
			long to = result.revisionAfter();
			if (!this.reference.isKnown(from, to)) {
				continue;
			}
			Visibility visibility = this.reference.visibility(read.key(), result.readValue(), from, to);
			if (visibility == Visibility.STALE) {
				anomalies.add(new Anomaly(AnomalyKind.STALE_READ, read + ": '" + read.key()
						+ "' held that value only before revision " + from + ", when it was "
						+ Text.value(this.reference.valueAt(read.key(), from))));
			}
			else if (visibility == Visibility.NEVER) {
				anomalies.add(new Anomaly(AnomalyKind.BAD_READ, read + ": '" + read.key()
						+ "' never held that value up to revision " + to + ", when it was "
						+ Text.value(this.reference.valueAt(read.key(), to))));
			}
		}
		return anomalies;
	}

}
