package io.globalval.core;

import java.util.LinkedHashMap;
import java.util.Map;

import io.globalval.protocol.WriteOutcome;

/**
 * The outcomes of recent writes by origin and sequence number, so that a write sent
 * again after a reconnect or a failover is answered with its first outcome instead of
 * being applied twice. Bounded per origin and in origins; the oldest go first.
 * <p>
 * Without a window: each origin also keeps a mark, the highest sequence number whose
 * outcome it let go (and, after a failover, the highest its predecessor applied). A number
 * at or below the mark whose outcome is not kept was processed before: it is
 * {@link #FORGOTTEN}, answered with an error that says its outcome is unknown, never
 * applied again. A number above it that is not kept is new, so writes of one origin may
 * arrive in any order (threads of one process take their numbers and send in different
 * orders). Workers keep fewer writes in flight than {@link #PER_ORIGIN}, so a write is
 * forgotten only when sent again after far longer than its timeout.
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
		return (seq <= known.forgottenUpTo) ? FORGOTTEN : null;
	}

	/**
	 * Raise origins' marks to what a node applied (its own changes, a snapshot's), so that
	 * writes processed by an earlier master are never applied again.
	 * @param highest the highest sequence number applied, by origin
	 */
	void markProcessed(Map<Long, Long> highest) {
		highest.forEach((origin, seq) -> {
			Origin known = this.byOrigin.computeIfAbsent(origin, (key) -> new Origin());
			known.forgottenUpTo = Math.max(known.forgottenUpTo, seq);
		});
	}

	void record(long origin, long seq, WriteOutcome outcome) {
		Origin known = this.byOrigin.computeIfAbsent(origin, (key) -> new Origin());
		known.outcomes.put(seq, outcome);
	}

	/** What is known of one origin's writes. */
	private static final class Origin {

		final Map<Long, WriteOutcome> outcomes = new LinkedHashMap<>(64, 0.75f) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<Long, WriteOutcome> eldest) {
				if (size() <= PER_ORIGIN) {
					return false;
				}
				Origin.this.forgottenUpTo = Math.max(Origin.this.forgottenUpTo, eldest.getKey());
				return true;
			}
		};

		/** The highest number whose outcome is let go, or that a predecessor applied. */
		long forgottenUpTo;

	}

}
