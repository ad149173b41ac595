package io.globalval.history;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The reference change of each revision. Revisions are dense (1, 2, 3, ...), so
 * they index an array; revisions far beyond the number of log entries (a corrupt
 * log) go to a map instead so that they cannot blow up the array. Not
 * thread-safe.
 */
final class ChangeTable {

	private final long denseLimit;

	private SourcedChange[] dense = new SourcedChange[1024];

	private final Map<Long, SourcedChange> sparse = new HashMap<>();

	private int size;

	/**
	 * Create a table.
	 * @param expectedEntries the number of log entries, which bounds the revisions
	 * a correct history can have
	 */
	ChangeTable(long expectedEntries) {
		this.denseLimit = 2 * expectedEntries + 1024;
	}

	SourcedChange get(long revision) {
		if (revision <= this.denseLimit) {
			return (revision < this.dense.length) ? this.dense[(int) revision] : null;
		}
		return this.sparse.get(revision);
	}

	void putIfAbsent(long revision, SourcedChange change) {
		if (revision <= this.denseLimit) {
			if (revision >= this.dense.length) {
				this.dense = Arrays.copyOf(this.dense, (int) Math.min(Math.max(revision + 1, this.dense.length * 2L),
						this.denseLimit + 1));
			}
			if (this.dense[(int) revision] == null) {
				this.dense[(int) revision] = change;
				this.size++;
			}
		}
		else if (this.sparse.putIfAbsent(revision, change) == null) {
			this.size++;
		}
	}

	/**
	 * Return the number of revisions that have a change.
	 * @return the number of changes
	 */
	int size() {
		return this.size;
	}

	/**
	 * Return every revision that has a change.
	 * @return the revisions, ascending
	 */
	long[] revisions() {
		long[] revisions = new long[this.size];
		int count = 0;
		for (int revision = 0; revision < this.dense.length; revision++) {
			if (this.dense[revision] != null) {
				revisions[count++] = revision;
			}
		}
		for (Long revision : this.sparse.keySet()) {
			revisions[count++] = revision;
		}
		Arrays.sort(revisions, revisions.length - this.sparse.size(), revisions.length);
		return revisions;
	}

}
