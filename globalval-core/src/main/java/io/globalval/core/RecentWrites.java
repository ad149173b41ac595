package io.globalval.core;

import java.util.LinkedHashMap;
import java.util.Map;

import io.globalval.protocol.WriteOutcome;

/**
 * The outcomes of recent writes by origin and sequence number, so that a write sent
 * again after a reconnect or a failover is answered with its first outcome instead of
 * being applied twice. Bounded per origin and in origins; the oldest go first.
 * <p>
 * Without a window: each origin also keeps the highest sequence number it has had
 * processed. An origin sends its writes in sequence order on each connection, and sends
 * the unanswered ones again in the same order, so a number at or below that mark whose
 * outcome is no longer kept was processed before: it is {@link #FORGOTTEN}, answered
 * with an error that says its outcome is unknown, never applied again. Workers keep
 * fewer writes in flight than {@link #PER_ORIGIN}, so this happens only to a write sent
 * again after far longer than its timeout.
 * Single-threaded: only the sequencer uses it.
 */
final class RecentWrites {

	/** Outcomes kept per origin: twice what a worker may have in flight. */
	static final int PER_ORIGIN = 16_384;

	/** Origins kept: far more processes than one application has at once. */
	static final int ORIGINS = 1024;

	/** What {@link #find} returns for a write processed before whose outcome is gone. */
	static final WriteOutcome FORGOTTEN = new WriteOutcome(-1, false, 0);

	private final Map<Long, Origin> byOrigin = new LinkedHashMap<>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, Origin> eldest) {
			return size() > ORIGINS;
		}
	};

	/**
	 * Return what is known of a write.
	 * @param origin the origin's node id
	 * @param seq the write's sequence number
	 * @return its first outcome, {@link #FORGOTTEN}, or {@code null} for a write not seen before
	 */
	WriteOutcome find(long origin, long seq) {
		Origin known = this.byOrigin.get(origin);
		if (known == null) {
			return null;
		}
		WriteOutcome outcome = known.outcomes.get(seq);
		if (outcome != null) {
			return outcome;
		}
		return (seq <= known.highWater) ? FORGOTTEN : null;
	}

	/**
	 * Raise origins' marks to what a node applied (its own changes, a snapshot's), so that
	 * writes processed by an earlier master are never applied again.
	 * @param highest the highest sequence number applied, by origin
	 */
	void markProcessed(Map<Long, Long> highest) {
		highest.forEach((origin, seq) -> {
			Origin known = this.byOrigin.computeIfAbsent(origin, (key) -> new Origin());
			known.highWater = Math.max(known.highWater, seq);
		});
	}

	void record(long origin, long seq, WriteOutcome outcome) {
		Origin known = this.byOrigin.computeIfAbsent(origin, (key) -> new Origin());
		known.outcomes.put(seq, outcome);
		known.highWater = Math.max(known.highWater, seq);
	}

	/** What is known of one origin's writes. */
	private static final class Origin {

		final Map<Long, WriteOutcome> outcomes = new LinkedHashMap<>(64, 0.75f) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<Long, WriteOutcome> eldest) {
				return size() > PER_ORIGIN;
			}
		};

		long highWater;

	}

}
