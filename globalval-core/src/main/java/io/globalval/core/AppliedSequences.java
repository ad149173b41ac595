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

	private final Map<Long, Long> highest = new LinkedHashMap<>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
			return size() > RecentWrites.ORIGINS;
		}
	};

	/**
	 * Record an applied change.
	 * @param origin its origin's node id
	 * @param seq its sequence number there
	 */
	void applied(long origin, long seq) {
		this.highest.merge(origin, seq, Math::max);
	}

	/**
	 * Replace the marks with a snapshot's.
	 * @param marks the marks by origin
	 */
	void replace(Map<Long, Long> marks) {
		this.highest.clear();
		this.highest.putAll(marks);
	}

	/**
	 * Return a copy of the marks.
	 * @return highest sequence number by origin
	 */
	Map<Long, Long> copy() {
		return new LinkedHashMap<>(this.highest);
	}

}
