package io.globalval.core;

import java.util.List;

/**
 * Changes this node had applied that the group's history does not keep: after a failover
 * in which this node was out of reach longer than {@code failover.max-wait} (it was
 * fenced), or when the master's own log proved more up to date than a node that had
 * taken over. The node's map was replaced by the group's; these changes are reported so
 * that nothing is dropped silently (an ERROR log, the {@code changesDiscarded} counter and
 * {@link ChangeListener#onDiscarded}).
 *
 * @param keptRevision the last revision of this node's log that the group keeps
 * @param lastRevision the last revision this node had applied
 * @param changes the discarded changes this node still had in its change log, oldest
 * first (complete when {@code complete})
 * @param complete whether {@code changes} holds every revision after {@code keptRevision}
 */
public record DiscardedChanges(long keptRevision, long lastRevision, List<Change> changes, boolean complete) {

	/**
	 * Return how many revisions were discarded.
	 * @return the count
	 */
	public long count() {
		return this.lastRevision - this.keptRevision;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		text.append("revisions ").append(this.keptRevision + 1).append(" to ").append(this.lastRevision);
		int shown = Math.min(this.changes.size(), 20);
		if (shown > 0) {
			text.append(": ");
			for (int i = 0; i < shown; i++) {
				Change change = this.changes.get(i);
				text.append((i > 0) ? ", " : "").append(change.revision()).append(' ')
					.append((change.deleted() ? "delete " : "set ")).append(change.key());
			}
			if (this.changes.size() > shown) {
				text.append(", and ").append(this.changes.size() - shown).append(" more");
			}
		}
		if (!this.complete) {
			text.append(" (older ones no longer in the change log)");
		}
		return text.toString();
	}

	/**
	 * One discarded change.
	 * @param revision the revision it had here
	 * @param epoch the epoch of the master that sequenced it
	 * @param key its key
	 * @param deleted whether it deleted the key
	 * @param origin the node id of the process that wrote it
	 * @param seq the write's sequence number at its origin
	 */
	public record Change(long revision, long epoch, String key, boolean deleted, long origin, long seq) {
	}

}
