package io.globalval.core;

import tools.jackson.databind.JavaType;

/**
 * A change applied to a {@link Replica}, as handed to {@link ChangeListener}s. Values
 * are decoded on first access and shared with the replica.
 */
public final class ChangeEvent {

	private final String key;

	private final ReplicaEntry current;

	private final ReplicaEntry previous;

	private final long revision;

	private final long origin;

	private final long seq;

	private final long originNanos;

	private final boolean local;

	private final ValueCodec codec;

	ChangeEvent(String key, ReplicaEntry current, ReplicaEntry previous, long revision, long origin, long seq,
			long originNanos, boolean local, ValueCodec codec) {
		this.key = key;
		this.current = current;
		this.previous = previous;
		this.revision = revision;
		this.origin = origin;
		this.seq = seq;
		this.originNanos = originNanos;
		this.local = local;
		this.codec = codec;
	}

	/**
	 * Return the key that changed.
	 * @return the key
	 */
	public String key() {
		return this.key;
	}

	/**
	 * Return the new value as plain JSON types.
	 * @return the value, or {@code null} if the key was deleted
	 */
	public Object value() {
		return (this.current != null) ? this.current.value(this.codec) : null;
	}

	/**
	 * Return the new value converted to a type.
	 * @param <T> the type
	 * @param type the type
	 * @return the value, or {@code null} if the key was deleted
	 */
	public <T> T value(Class<T> type) {
		return (this.current != null) ? this.current.value(this.codec, type) : null;
	}

	/**
	 * Return the new value converted to a generic type.
	 * @param <T> the type
	 * @param type the type, constructed with the node's mapper
	 * @return the value, or {@code null} if the key was deleted
	 */
	public <T> T value(JavaType type) {
		return (this.current != null) ? this.current.value(this.codec, type) : null;
	}

	/**
	 * Return the value the key had before this change.
	 * @return the previous value, or {@code null} if the key was absent
	 */
	public Object previousValue() {
		return (this.previous != null) ? this.previous.value(this.codec) : null;
	}

	/**
	 * Return the JSON bytes of the new value. Callers must not modify them.
	 * @return the bytes, or {@code null} if the key was deleted
	 */
	public byte[] json() {
		return (this.current != null) ? this.current.json() : null;
	}

	/**
	 * Return the change's revision.
	 * @return the revision
	 */
	public long revision() {
		return this.revision;
	}

	/**
	 * Return the node id of the process that made the change (0 is the master), or -1
	 * when the change comes from a snapshot.
	 * @return the origin node id
	 */
	public long origin() {
		return this.origin;
	}

	/**
	 * Return the sequence number of the write at its origin: with {@link #origin()} it
	 * identifies the write; 0 when the change comes from a snapshot.
	 * @return the sequence number
	 */
	public long seq() {
		return this.seq;
	}

	/**
	 * Return {@link System#nanoTime()} at the origin when the write was made, comparable
	 * with this process's clock on the same host; 0 when unknown.
	 * @return the origin time
	 */
	public long originNanos() {
		return this.originNanos;
	}

	/**
	 * Return whether the key was deleted.
	 * @return whether deleted
	 */
	public boolean isDeleted() {
		return this.current == null;
	}

	/**
	 * Return whether this process made the change.
	 * @return whether local
	 */
	public boolean isLocal() {
		return this.local;
	}

	@Override
	public String toString() {
		return "ChangeEvent[" + this.key + "@" + this.revision + (isDeleted() ? ", deleted" : "") + ", origin "
				+ this.origin + "]";
	}

}
