package io.globalval.history;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The successive values of one key in the reference history, sorted by revision.
 * The first version is "absent" at revision 0. Lookups are binary searches; the
 * per-value index that makes {@link #visibility} logarithmic is built on first
 * use. Not thread-safe.
 */
final class KeyVersions {

	private long[] revisions = new long[4];

	private String[] values = new String[4];

	private WriteId[] writeIds = new WriteId[4];

	private int size;

	private Map<String, IntList> positionsByValue;

	KeyVersions() {
		add(0, null, null);
	}

	/**
	 * Append a version; revisions must ascend.
	 * @param revision the revision from which the key holds the value
	 * @param value the value, or null for absent
	 * @param writeId the write that set it, or null (snapshot or unknown)
	 */
	void add(long revision, String value, WriteId writeId) {
		if (this.size == this.revisions.length) {
			this.revisions = Arrays.copyOf(this.revisions, this.size * 2);
			this.values = Arrays.copyOf(this.values, this.size * 2);
			this.writeIds = Arrays.copyOf(this.writeIds, this.size * 2);
		}
		this.revisions[this.size] = revision;
		this.values[this.size] = value;
		this.writeIds[this.size] = writeId;
		this.size++;
		this.positionsByValue = null;
	}

	int size() {
		return this.size;
	}

	long revision(int position) {
		return this.revisions[position];
	}

	String value(int position) {
		return this.values[position];
	}

	WriteId writeId(int position) {
		return this.writeIds[position];
	}

	/**
	 * Return the position of the version in force at a revision.
	 * @param revision the revision, at least 0
	 * @return the position of the last version at or before the revision
	 */
	int positionAt(long revision) {
		int position = Arrays.binarySearch(this.revisions, 0, this.size, revision);
		return (position >= 0) ? position : -position - 2;
	}

	/**
	 * Return the value in force at a revision.
	 * @param revision the revision
	 * @return the value, or null for absent
	 */
	String valueAt(long revision) {
		return this.values[positionAt(revision)];
	}

	/**
	 * Return whether the key held a value at some revision in {@code [from, to]}.
	 * @param value the value, or null for absent
	 * @param from the first revision of the window
	 * @param to the last revision of the window
	 * @return whether the value was visible, only earlier, or never
	 */
	Visibility visibility(String value, long from, long to) {
		IntList positions = positionsByValue().get(value);
		if (positions == null) {
			return Visibility.NEVER;
		}
		// The last version with this value starting at or before the window's end;
		// earlier versions with the value end even earlier.
		int last = positions.lastAtOrBefore(this.revisions, to);
		if (last < 0) {
			return Visibility.NEVER;
		}
		long end = (last + 1 < this.size) ? this.revisions[last + 1] : Long.MAX_VALUE;
		return (end > from) ? Visibility.VISIBLE : Visibility.STALE;
	}

	private Map<String, IntList> positionsByValue() {
		if (this.positionsByValue == null) {
			Map<String, IntList> index = new HashMap<>();
			for (int position = 0; position < this.size; position++) {
				index.computeIfAbsent(this.values[position], (value) -> new IntList()).add(position);
			}
			this.positionsByValue = index;
		}
		return this.positionsByValue;
	}

	/**
	 * Ascending version positions of one value.
	 */
	private static final class IntList {

		private int[] items = new int[2];

		private int size;

		void add(int item) {
			if (this.size == this.items.length) {
				this.items = Arrays.copyOf(this.items, this.size * 2);
			}
			this.items[this.size++] = item;
		}

		/**
		 * Return the last position whose revision is at most a bound.
		 * @param revisions the revision of each position
		 * @param bound the bound
		 * @return the position, or -1
		 */
		int lastAtOrBefore(long[] revisions, long bound) {
			int low = 0;
			int high = this.size - 1;
			int found = -1;
			while (low <= high) {
				int middle = (low + high) >>> 1;
				if (revisions[this.items[middle]] <= bound) {
					found = this.items[middle];
					low = middle + 1;
				}
				else {
					high = middle - 1;
				}
			}
			return found;
		}

	}

}
