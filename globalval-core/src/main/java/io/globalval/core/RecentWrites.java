package io.globalval.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcomes of recent writes by origin and sequence number, so that a write sent
 * again after a reconnect or a failover is answered with its first outcome instead of
 * being applied twice. Bounded per origin and in origins; the oldest go first.
 * Single-threaded: only the sequencer uses it.
 */
final class RecentWrites {

	/** Outcomes kept per origin: far more than a worker has in flight. */
	static final int PER_ORIGIN = 16_384;

	/** Origins kept: far more processes than one application has at once. */
	static final int ORIGINS = 1024;

	private final Map<Integer, Map<Long, Outcome>> byOrigin = new LinkedHashMap<>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<Integer, Map<Long, Outcome>> eldest) {
			return size() > ORIGINS;
		}
	};

	Outcome find(int origin, long seq) {
		Map<Long, Outcome> outcomes = this.byOrigin.get(origin);
		return (outcomes != null) ? outcomes.get(seq) : null;
	}

	void record(int origin, long seq, Outcome outcome) {
		this.byOrigin.computeIfAbsent(origin, (key) -> new LinkedHashMap<>(64, 0.75f) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<Long, Outcome> eldest) {
				return size() > PER_ORIGIN;
			}
		}).put(seq, outcome);
	}

	/**
	 * The outcome of one write.
	 *
	 * @param revision the revision of its change, or the master's revision if it changed nothing
	 * @param success whether it did what it asked
	 * @param number the new value of an increment, else 0
	 */
	record Outcome(long revision, boolean success, long number) {
	}

}
