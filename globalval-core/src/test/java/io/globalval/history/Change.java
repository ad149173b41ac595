package io.globalval.history;

import java.util.Objects;

/**
 * One change a node applied: at a revision, a key got a value (or was deleted).
 *
 * @param revision the revision of the change, from 1
 * @param key the key
 * @param value the new value (JSON text), or null for a delete
 * @param writeId the id of the write that caused the change, or null if unknown
 * @param epoch the master epoch that assigned the revision, or {@link #NO_EPOCH}
 */
public record Change(long revision, String key, String value, WriteId writeId, long epoch) implements LogEntry {

	/**
	 * Epoch value meaning "not recorded".
	 */
	public static final long NO_EPOCH = 0;

	/**
	 * Create a change.
	 * @param revision the revision, from 1
	 * @param key the key
	 * @param value the new value, or null for a delete
	 * @param writeId the write id, or null
	 * @param epoch the epoch, or {@link #NO_EPOCH}
	 */
	public Change {
		Objects.requireNonNull(key, "'key' must not be null");
		if (revision < 1) {
			throw new IllegalArgumentException("Change revision must be at least 1, got " + revision + " for '" + key + "'");
		}
	}

	/**
	 * Create a change without an epoch.
	 * @param revision the revision, from 1
	 * @param key the key
	 * @param value the new value, or null for a delete
	 * @param writeId the write id, or null
	 */
	public Change(long revision, String key, String value, WriteId writeId) {
		this(revision, key, value, writeId, NO_EPOCH);
	}

	/**
	 * Return whether another node's change at the same revision is the same
	 * change: same key, value and write id, and same epoch when both have one.
	 * @param other the other change
	 * @return whether they agree
	 */
	public boolean agreesWith(Change other) {
		boolean epochsAgree = this.epoch == NO_EPOCH || other.epoch == NO_EPOCH || this.epoch == other.epoch;
		return this.key.equals(other.key) && Objects.equals(this.value, other.value)
				&& Objects.equals(this.writeId, other.writeId) && epochsAgree;
	}

	@Override
	public String toString() {
		String write = (this.writeId != null) ? "write " + this.writeId : "no write id";
		String epoch = (this.epoch != NO_EPOCH) ? ", epoch " + this.epoch : "";
		String change = (this.value != null) ? this.key + "=" + Text.value(this.value) : "delete " + this.key;
		return change + " (" + write + epoch + ")";
	}

}
