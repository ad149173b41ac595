package io.globalval.history;

import java.util.Arrays;

/**
 * The revisions at which the whole reference map is known, as sorted disjoint
 * intervals. The map is known at a revision when the reference has every change
 * from revision 0 or from a snapshot up to it. Not thread-safe.
 */
final class KnownRevisions {

	private long[] starts = new long[4];

	private long[] ends = new long[4];

	private int size;

	private boolean open;

	/**
	 * Record that the map is known at a revision; revisions must ascend.
	 * @param revision the revision
	 */
	void known(long revision) {
		if (this.open && this.ends[this.size - 1] + 1 >= revision) {
			this.ends[this.size - 1] = revision;
			return;
		}
		if (this.size == this.starts.length) {
			this.starts = Arrays.copyOf(this.starts, this.size * 2);
			this.ends = Arrays.copyOf(this.ends, this.size * 2);
		}
		this.starts[this.size] = revision;
		this.ends[this.size] = revision;
		this.size++;
		this.open = true;
	}

	/**
	 * Record that the map is not known at the next revisions.
	 */
	void unknown() {
		this.open = false;
	}

	/**
	 * Return whether the map is known at every revision of a range.
	 * @param from the first revision
	 * @param to the last revision
	 * @return whether every revision in {@code [from, to]} is known
	 */
	boolean covers(long from, long to) {
		if (from > to) {
			return false;
		}
		int index = Arrays.binarySearch(this.starts, 0, this.size, from);
		if (index < 0) {
			index = -index - 2;
		}
		return index >= 0 && this.ends[index] >= to;
	}

}
