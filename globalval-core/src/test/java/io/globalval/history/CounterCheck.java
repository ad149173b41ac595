package io.globalval.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks counters: keys whose recorded writes are all increments, apart from
 * optional preloads (OK {@code SET}s that completed before the first increment
 * was invoked). The counter starts (its base) at the last preload in the history,
 * else just before the first applied increment, else at revision 0. From there to
 * the end of the history every change of the key must be one of its increments
 * and add exactly its delta, so the last value is the base plus the applied
 * increments. Independently of write ids, the net movement must lie between the
 * acknowledged sum plus the smallest and the largest possible contribution of
 * increments with unknown outcome (deltas may have any sign). Changes without a
 * write id cannot be attributed; then only that bound is checked. Without any
 * node log there is nothing to check. Linear.
 */
final class CounterCheck {

	private final ReferenceHistory reference;

	CounterCheck(ReferenceHistory reference) {
		this.reference = reference;
	}

	/**
	 * Check every counter in the operations.
	 * @param operations the operations
	 * @return {@link AnomalyKind#COUNTER} anomalies
	 */
	List<Anomaly> check(List<Operation> operations) {
		Map<String, KeyWrites> writesByKey = new LinkedHashMap<>();
		for (Operation operation : operations) {
			if (operation.kind().isWrite()) {
				writesByKey.computeIfAbsent(operation.key(), (key) -> new KeyWrites()).add(operation);
			}
		}
		List<Anomaly> anomalies = new ArrayList<>();
		if (!this.reference.hasLogs()) {
			return anomalies;
		}
		writesByKey.forEach((key, writes) -> {
			if (writes.isCounter()) {
				checkCounter(key, writes, anomalies);
			}
		});
		return anomalies;
	}

	private void checkCounter(String key, KeyWrites writes, List<Anomaly> anomalies) {
		Map<WriteId, Operation> incrementsById = new HashMap<>();
		long acknowledged = 0;
		long unknownLow = 0;
		long unknownHigh = 0;
		long applied = 0;
		long firstRevision = Long.MAX_VALUE;
		for (Operation increment : writes.increments) {
			incrementsById.put(increment.writeId(), increment);
			long delta = increment.command().delta();
			long revision = this.reference.revisionOf(increment.writeId());
			if (revision != 0) {
				applied += delta;
				firstRevision = Math.min(firstRevision, revision);
			}
			if (increment.outcome() == Outcome.OK) {
				acknowledged += delta;
			}
			else if (increment.outcome() == Outcome.UNKNOWN) {
				unknownLow += Math.min(0, delta);
				unknownHigh += Math.max(0, delta);
			}
		}
		long top = this.reference.highestRevision();
		long baseRevision = baseRevision(writes, firstRevision);
		if (!this.reference.isKnown(baseRevision, top)) {
			return;
		}
		Long base = Counters.parse(this.reference.valueAt(key, baseRevision));
		Long last = Counters.parse(this.reference.valueAt(key, top));
		String problem;
		if (base == null || last == null) {
			problem = "it is not an integer at revision " + ((base == null) ? baseRevision : top);
		}
		else {
			Attribution attribution = checkChanges(key, incrementsById, baseRevision);
			problem = attribution.problem();
			if (problem == null && attribution.complete() && last != base + applied) {
				problem = "it went from " + base + " at revision " + baseRevision + " to " + last + " at revision " + top
						+ " but its applied increments add " + applied;
			}
			if (problem == null
					&& (last - base < acknowledged + unknownLow || last - base > acknowledged + unknownHigh)) {
				problem = "it moved by " + (last - base) + " from revision " + baseRevision + " but acknowledged increments add "
						+ acknowledged + " and unknown ones between " + unknownLow + " and " + unknownHigh;
			}
		}
		if (problem != null) {
			anomalies.add(new Anomaly(AnomalyKind.COUNTER, "Counter '" + key + "': " + problem));
		}
	}

	private long baseRevision(KeyWrites writes, long firstIncrementRevision) {
		long lastPreload = 0;
		for (Operation preload : writes.others) {
			lastPreload = Math.max(lastPreload, this.reference.revisionOf(preload.writeId()));
		}
		if (lastPreload != 0) {
			return lastPreload;
		}
		return (firstIncrementRevision != Long.MAX_VALUE) ? firstIncrementRevision - 1 : 0;
	}

	private Attribution checkChanges(String key, Map<WriteId, Operation> incrementsById, long baseRevision) {
		KeyVersions versions = this.reference.versions(key);
		if (versions == null) {
			return Attribution.COMPLETE;
		}
		int basePosition = versions.positionAt(baseRevision);
		long value = Counters.parse(versions.value(basePosition));
		for (int position = basePosition + 1; position < versions.size(); position++) {
			long revision = versions.revision(position);
			WriteId writeId = versions.writeId(position);
			if (writeId == null) {
				return Attribution.PARTIAL;
			}
			Operation increment = incrementsById.get(writeId);
			if (increment == null) {
				return new Attribution(false,
						"revision " + revision + " changed it by write " + writeId + ", not one of its increments");
			}
			value += increment.command().delta();
			Long actual = Counters.parse(versions.value(position));
			if (actual == null || actual != value) {
				return new Attribution(false, "revision " + revision + " set it to " + Text.value(versions.value(position))
						+ " but " + increment + " should make it " + value);
			}
		}
		return Attribution.COMPLETE;
	}

	/**
	 * How far the changes of a counter could be matched to its increments.
	 *
	 * @param complete whether every change was matched
	 * @param problem what did not match, or null
	 */
	private record Attribution(boolean complete, String problem) {

		static final Attribution COMPLETE = new Attribution(true, null);

		static final Attribution PARTIAL = new Attribution(false, null);

	}

	/**
	 * The recorded writes of one key, sorted into increments and others.
	 */
	private static final class KeyWrites {

		private final List<Operation> increments = new ArrayList<>();

		private final List<Operation> others = new ArrayList<>();

		private long firstIncrementInvoke = Long.MAX_VALUE;

		void add(Operation operation) {
			if (operation.kind() == OperationKind.INCREMENT) {
				this.increments.add(operation);
				this.firstIncrementInvoke = Math.min(this.firstIncrementInvoke, operation.invokeTime());
			}
			else {
				this.others.add(operation);
			}
		}

		boolean isCounter() {
			if (this.increments.isEmpty()) {
				return false;
			}
			for (Operation other : this.others) {
				boolean preload = other.kind() == OperationKind.SET && other.outcome() == Outcome.OK
						&& other.completeTime() < this.firstIncrementInvoke;
				if (!preload) {
					return false;
				}
			}
			return true;
		}

	}

}
