package io.globalval.core;

import java.util.Arrays;
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
			if (size() <= ORIGINS) {
				return false;
			}
			if (eldest.getValue() == RecentWrites.this.lastState) {
				RecentWrites.this.lastState = null;
			}
			return true;
		}
	};

	/** The origin looked up last, and its state: most writes in a row come from one origin. */
	private long lastOrigin;

	private Origin lastState;

	/**
	 * Return what is known of a write.
	 * @param origin the origin's node id
	 * @param seq the write's sequence number
	 * @return its first outcome, {@link #FORGOTTEN}, or {@code null} for a write not seen before
	 */
	WriteOutcome find(long origin, long seq) {
		Origin known = origin(origin, false);
		if (known == null) {
			return null;
		}
		WriteOutcome outcome = known.get(seq);
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
			Origin known = origin(origin, true);
			known.forgottenUpTo = Math.max(known.forgottenUpTo, seq);
		});
	}

	void record(long origin, long seq, WriteOutcome outcome) {
		origin(origin, true).put(seq, outcome);
	}

	/**
	 * The state of an origin, made when asked for; the last one is remembered, which
	 * keeps the access order of {@link #byOrigin} as it would be without it (the origin
	 * looked up last is its most recent either way).
	 */
	private Origin origin(long origin, boolean create) {
		Origin known = this.lastState;
		if (known != null && this.lastOrigin == origin) {
			return known;
		}
		known = create ? this.byOrigin.computeIfAbsent(origin, (key) -> new Origin()) : this.byOrigin.get(origin);
		if (known != null) {
			this.lastOrigin = origin;
			this.lastState = known;
		}
		return known;
	}

	/**
	 * What is known of one origin's writes: the outcomes of its last {@link #PER_ORIGIN}
	 * recorded writes in an open-addressing table keyed by sequence number (no boxing),
	 * and their numbers in the order they were recorded, to let the oldest go first. Both
	 * start small and grow as the origin writes.
	 */
	static final class Origin {

		private static final int FIRST_CAPACITY = 64;

		private static final long FREE = Long.MIN_VALUE;

		/** The table's keys; {@link #FREE} marks an empty slot (no write numbers it). */
		private long[] keys = emptyKeys(2 * FIRST_CAPACITY);

		private WriteOutcome[] outcomes = new WriteOutcome[2 * FIRST_CAPACITY];

		/** The kept numbers, oldest first, from {@link #oldest}, as a ring. */
		private long[] order = new long[FIRST_CAPACITY];

		private int oldest;

		private int size;

		/** The highest number whose outcome is let go, or that a predecessor applied. */
		long forgottenUpTo;

		WriteOutcome get(long seq) {
			int i = indexOf(this.keys, seq);
			return (i >= 0) ? this.outcomes[i] : null;
		}

		void put(long seq, WriteOutcome outcome) {
			if (seq == FREE) {
				throw new IllegalArgumentException("Sequence number " + seq + " is out of range");
			}
			int mask = this.keys.length - 1;
			int i = slot(seq, mask);
			while (this.keys[i] != FREE) {
				if (this.keys[i] == seq) {
					// replaced in place: its age stays that of its first record
					this.outcomes[i] = outcome;
					return;
				}
				i = (i + 1) & mask;
			}
			if (this.size == this.order.length) {
				if (this.size < PER_ORIGIN) {
					grow();
					put(seq, outcome);
					return;
				}
				long eldest = this.order[this.oldest];
				this.oldest = (this.oldest + 1) % this.order.length;
				this.size--;
				this.forgottenUpTo = Math.max(this.forgottenUpTo, eldest);
				remove(eldest);
				put(seq, outcome);
				return;
			}
			this.keys[i] = seq;
			this.outcomes[i] = outcome;
			this.order[(this.oldest + this.size) % this.order.length] = seq;
			this.size++;
		}

		int size() {
			return this.size;
		}

		/** Remove a kept number, shifting back the entries after it in its run. */
		private void remove(long seq) {
			int mask = this.keys.length - 1;
			int hole = indexOf(this.keys, seq);
			for (int j = (hole + 1) & mask; this.keys[j] != FREE; j = (j + 1) & mask) {
				int home = slot(this.keys[j], mask);
				// move the entry at j into the hole unless its home lies cyclically in (hole, j]
				boolean homeAfterHole = (j > hole) ? (home > hole && home <= j) : (home > hole || home <= j);
				if (!homeAfterHole) {
					this.keys[hole] = this.keys[j];
					this.outcomes[hole] = this.outcomes[j];
					hole = j;
				}
			}
			this.keys[hole] = FREE;
			this.outcomes[hole] = null;
		}

		private void grow() {
			long[] oldOrder = this.order;
			int count = this.size;
			int first = this.oldest;
			long[] oldKeys = this.keys;
			WriteOutcome[] oldOutcomes = this.outcomes;
			int capacity = oldOrder.length * 2;
			this.keys = emptyKeys(2 * capacity);
			this.outcomes = new WriteOutcome[2 * capacity];
			this.order = new long[capacity];
			this.oldest = 0;
			this.size = 0;
			for (int k = 0; k < count; k++) {
				long seq = oldOrder[(first + k) % oldOrder.length];
				put(seq, oldOutcomes[indexOf(oldKeys, seq)]);
			}
		}

		/** The slot of a number in a table, or -1 if the table does not hold it. */
		private static int indexOf(long[] keys, long seq) {
			if (seq == FREE) {
				return -1;
			}
			int mask = keys.length - 1;
			for (int i = slot(seq, mask);; i = (i + 1) & mask) {
				long key = keys[i];
				if (key == seq) {
					return i;
				}
				if (key == FREE) {
					return -1;
				}
			}
		}

		private static int slot(long seq, int mask) {
			long h = seq * 0x9E3779B97F4A7C15L;
			return (int) (h ^ (h >>> 32)) & mask;
		}

		private static long[] emptyKeys(int length) {
			long[] keys = new long[length];
			Arrays.fill(keys, FREE);
			return keys;
		}

	}

}
