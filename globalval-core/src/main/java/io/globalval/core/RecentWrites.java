package io.globalval.core;

import java.util.LinkedHashMap;
import java.util.Map;

import io.globalval.protocol.WriteOutcome;

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

	private final Map<Integer, Map<Long, WriteOutcome>> byOrigin = new LinkedHashMap<>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<Integer, Map<Long, WriteOutcome>> eldest) {
			return size() > ORIGINS;
		}
	};

	WriteOutcome find(int origin, long seq) {
		Map<Long, WriteOutcome> outcomes = this.byOrigin.get(origin);
		return (outcomes != null) ? outcomes.get(seq) : null;
	}

	void record(int origin, long seq, WriteOutcome outcome) {
		this.byOrigin.computeIfAbsent(origin, (key) -> new LinkedHashMap<>(64, 0.75f) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<Long, WriteOutcome> eldest) {
				return size() > PER_ORIGIN;
			}
		}).put(seq, outcome);
	}

}
