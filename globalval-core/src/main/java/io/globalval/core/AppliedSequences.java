package io.globalval.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The highest sequence number applied from each origin, kept by every node as it applies
 * changes and carried in snapshots, so that a master that takes over knows which writes
 * its predecessor applied even when their outcomes are long gone from every change log:
 * a write sent again with a number at or below its origin's mark is answered as already
 * processed (see {@link RecentWrites}), never applied a second time. Bounded to
 * {@link RecentWrites#ORIGINS} origins, least recently applied first out. Touched only by
 * the thread that applies changes (or, for a new master, after it).
 */
final class AppliedSequences {

	private final Map<Long, Mark> highest = new LinkedHashMap<>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, Mark> eldest) {
			return size() > RecentWrites.ORIGINS;
		}
	};

	/** The origin of the last change applied, whose mark is the most recently used already. */
	private long lastOrigin;

	/** The mark of {@link #lastOrigin}, or {@code null}: changes from one origin in a row skip the map. */
	private Mark lastMark;

	/**
	 * Record an applied change.
	 * @param origin its origin's node id
	 * @param seq its sequence number there
	 */
	void applied(long origin, long seq) {
		Mark mark = this.lastMark;
		if (mark == null || this.lastOrigin != origin) {
			mark = this.highest.get(origin);
			if (mark == null) {
				mark = new Mark(seq);
				this.highest.put(origin, mark);
			}
			this.lastOrigin = origin;
			this.lastMark = mark;
		}
		if (seq > mark.seq) {
			mark.seq = seq;
		}
	}

	/**
	 * Replace the marks with a snapshot's.
	 * @param marks the marks by origin
	 */
	void replace(Map<Long, Long> marks) {
		this.highest.clear();
		this.lastMark = null;
		marks.forEach((origin, seq) -> this.highest.put(origin, new Mark(seq)));
	}

	/**
	 * Return a copy of the marks.
	 * @return highest sequence number by origin
	 */
	Map<Long, Long> copy() {
		Map<Long, Long> copy = new LinkedHashMap<>();
		this.highest.forEach((origin, mark) -> copy.put(origin, mark.seq));
		return copy;
	}

	/** The highest sequence number applied from one origin. */
	private static final class Mark {

		long seq;

		Mark(long seq) {
			this.seq = seq;
		}

	}

}
