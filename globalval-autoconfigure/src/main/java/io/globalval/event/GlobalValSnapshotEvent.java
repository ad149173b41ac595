package io.globalval.event;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a worker has replaced its whole replica with the master's state: at
 * startup, and after a resync. The keys a resync changed are published as
 * {@link GlobalValChangedEvent}s first; those of the first snapshot are not.
 */
public class GlobalValSnapshotEvent extends ApplicationEvent {

	private final long revision;

	private final int keys;

	/**
	 * Create a new instance.
	 * @param source the node that applied the snapshot
	 * @param revision the snapshot's revision
	 * @param keys the number of keys it holds
	 */
	public GlobalValSnapshotEvent(Object source, long revision, int keys) {
		super(source);
		this.revision = revision;
		this.keys = keys;
	}

	/**
	 * Return the revision of the snapshot.
	 * @return the revision
	 */
	public long getRevision() {
		return this.revision;
	}

	/**
	 * Return the number of keys in the snapshot.
	 * @return the key count
	 */
	public int getKeys() {
		return this.keys;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[revision=" + this.revision + ", keys=" + this.keys + "]";
	}

}
