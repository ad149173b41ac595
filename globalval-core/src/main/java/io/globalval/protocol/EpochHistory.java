package io.globalval.protocol;

import java.util.Arrays;

/**
 * Which master epoch sequenced each revision of a log, kept as the first revision of
 * every epoch in it: {@code [(1, 1), (3, 101)]} means revisions 1 to 100 were sequenced
 * in epoch 1 and 101 onwards in epoch 3. One master sequences each revision of an epoch,
 * and only after everything before it, so two logs that hold the same epoch at a revision
 * hold the same changes up to it (log matching, as in Raft); comparing two histories
 * finds the last revision two logs share without sending the logs. Immutable.
 */
public final class EpochHistory {

	/** The history of an empty log. */
	public static final EpochHistory EMPTY = new EpochHistory(new long[0], new long[0]);

	/** Epochs, in log order. */
	private final long[] epochs;

	/** The first revision of each epoch, ascending. */
	private final long[] starts;

	private EpochHistory(long[] epochs, long[] starts) {
		this.epochs = epochs;
		this.starts = starts;
	}

	/**
	 * Create a history from its epochs and their first revisions.
	 * @param epochs the epochs, in log order
	 * @param starts the first revision of each, ascending, the first at least 1
	 * @return the history
	 * @throws IllegalArgumentException if the arrays differ in length or the starts do not ascend
	 */
	public static EpochHistory of(long[] epochs, long[] starts) {
		if (epochs.length != starts.length) {
			throw new IllegalArgumentException("Epochs and starts differ in length");
		}
		for (int i = 0; i < starts.length; i++) {
			if (starts[i] < 1 || (i > 0 && starts[i] <= starts[i - 1])) {
				throw new IllegalArgumentException("Epoch starts must ascend from 1: " + Arrays.toString(starts));
			}
		}
		return (epochs.length == 0) ? EMPTY : new EpochHistory(epochs.clone(), starts.clone());
	}

	/**
	 * Return the history after a change of a revision in an epoch was appended.
	 * @param revision the change's revision, after every revision in this history
	 * @param epoch the epoch that sequenced it
	 * @return this history, or a longer one if the epoch is new
	 */
	public EpochHistory extend(long revision, long epoch) {
		int last = this.epochs.length - 1;
		if (last >= 0 && this.epochs[last] == epoch) {
			return this;
		}
		if (last >= 0 && revision <= this.starts[last]) {
			// the log was cut back and goes on in another epoch
			return upTo(revision - 1).extend(revision, epoch);
		}
		long[] epochs = Arrays.copyOf(this.epochs, last + 2);
		long[] starts = Arrays.copyOf(this.starts, last + 2);
		epochs[last + 1] = epoch;
		starts[last + 1] = revision;
		return new EpochHistory(epochs, starts);
	}

	/**
	 * Return the history of this log cut after a revision.
	 * @param revision the last revision kept
	 * @return the shorter history (this one if nothing is cut)
	 */
	public EpochHistory upTo(long revision) {
		int keep = 0;
		while (keep < this.starts.length && this.starts[keep] <= revision) {
			keep++;
		}
		if (keep == this.starts.length) {
			return this;
		}
		return (keep == 0) ? EMPTY
				: new EpochHistory(Arrays.copyOf(this.epochs, keep), Arrays.copyOf(this.starts, keep));
	}

	/**
	 * Return the epoch that sequenced a revision.
	 * @param revision the revision
	 * @return the epoch; 0 for revision 0 or earlier; -1 if this history does not reach back to it
	 */
	public long epochAt(long revision) {
		if (revision <= 0) {
			return 0;
		}
		int index = indexOf(revision);
		return (index >= 0) ? this.epochs[index] : -1;
	}

	/**
	 * Return the epoch of the last entry.
	 * @return the epoch, 0 for an empty history
	 */
	public long lastEpoch() {
		return (this.epochs.length == 0) ? 0 : this.epochs[this.epochs.length - 1];
	}

	private int indexOf(long revision) {
		int index = Arrays.binarySearch(this.starts, revision);
		return (index >= 0) ? index : -index - 2;
	}

	/** The first revision of the epoch that holds {@code revision}, or 1 if unknown. */
	private long segmentStart(long revision) {
		int index = indexOf(revision);
		return (index >= 0) ? this.starts[index] : 1;
	}

	/**
	 * Return the last revision two logs share: the highest revision up to both heads that
	 * both sequenced in the same epoch (0 if none).
	 * @param head the last revision of this log
	 * @param other the other log's history
	 * @param otherHead the last revision of the other log
	 * @return the revision
	 */
	public long commonRevision(long head, EpochHistory other, long otherHead) {
		long revision = Math.min(head, otherHead);
		while (revision > 0) {
			long mine = epochAt(revision);
			long theirs = other.epochAt(revision);
			if (mine == theirs && mine > 0) {
				return revision;
			}
			if (mine < 0 || theirs < 0) {
				return 0;
			}
			// both epochs are constant back to the later of the two segment starts
			revision = Math.max(segmentStart(revision), other.segmentStart(revision)) - 1;
		}
		return 0;
	}

	/**
	 * Return whether a log of this history and head is more up to date than another: its
	 * last entry is of a later epoch, or of the same epoch and further on.
	 * @param head this log's last revision
	 * @param other the other log's history
	 * @param otherHead the other log's last revision
	 * @return whether this log is strictly more up to date
	 */
	public boolean isAheadOf(long head, EpochHistory other, long otherHead) {
		long mine = epochAt(head);
		long theirs = other.epochAt(otherHead);
		return (mine != theirs) ? mine > theirs : head > otherHead;
	}

	/**
	 * Return the number of epochs in it.
	 * @return the count
	 */
	public int size() {
		return this.epochs.length;
	}

	long epoch(int index) {
		return this.epochs[index];
	}

	long start(int index) {
		return this.starts[index];
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof EpochHistory that) && Arrays.equals(this.epochs, that.epochs)
				&& Arrays.equals(this.starts, that.starts);
	}

	@Override
	public int hashCode() {
		return 31 * Arrays.hashCode(this.epochs) + Arrays.hashCode(this.starts);
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("[");
		for (int i = 0; i < this.epochs.length; i++) {
			text.append((i > 0) ? ", " : "").append("epoch ").append(this.epochs[i]).append(" from ").append(this.starts[i]);
		}
		return text.append(']').toString();
	}

}
