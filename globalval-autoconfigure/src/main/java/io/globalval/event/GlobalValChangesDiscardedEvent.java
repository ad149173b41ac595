package io.globalval.event;

import org.springframework.context.ApplicationEvent;

import io.globalval.core.DiscardedChanges;

/**
 * Published when this process had applied changes that the group's history does not
 * keep, and replaced them with the group's: it was out of reach (paused, cut off) longer
 * than {@code globalval.failover.max-wait} while a new master took over, or it took over
 * itself and a member's log proved more up to date. The keys that changed as a result are
 * published as {@link GlobalValChangedEvent}s. Nothing is dropped silently: the changes
 * are also logged at ERROR and counted in {@code globalval.changes.discarded}.
 */
public class GlobalValChangesDiscardedEvent extends ApplicationEvent {

	private final transient DiscardedChanges discarded;

	/**
	 * Create a new instance.
	 * @param source the node that discarded the changes
	 * @param discarded what it discarded
	 */
	public GlobalValChangesDiscardedEvent(Object source, DiscardedChanges discarded) {
		super(source);
		this.discarded = discarded;
	}

	/**
	 * Return what was discarded: the revisions, and the changes this process still had in
	 * its change log (key, origin and sequence number of each write).
	 * @return the discarded changes
	 */
	public DiscardedChanges getDiscarded() {
		return this.discarded;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.discarded + "]";
	}

}
