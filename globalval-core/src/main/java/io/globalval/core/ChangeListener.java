package io.globalval.core;

import io.globalval.Role;

/**
 * Told about what a node applies, in revision order, on the node's event thread (never
 * the replication thread, so a slow listener delays other listeners but never
 * replication). A listener that throws is logged and skipped.
 */
public interface ChangeListener {

	/**
	 * The node this listener was given to when it started has been created; called once,
	 * before it decides its role, so that the listener can read the node's replica when
	 * it is told of a snapshot (a master restoring its stored state applies one while it
	 * starts). Listeners added later are not told.
	 * @param node the node
	 */
	default void onStart(GlobalValNode node) {
	}

	/**
	 * A change was applied.
	 * @param event the change
	 */
	void onChange(ChangeEvent event);

	/**
	 * A snapshot replaced the whole map. Changes it made to keys are reported through
	 * {@link #onChange} first, except for a worker's first snapshot.
	 * @param revision the snapshot's revision
	 * @param keys the number of keys it holds
	 */
	default void onSnapshot(long revision, int keys) {
	}

	/**
	 * Changes this node had applied were discarded, because the group's history does not
	 * keep them (this node was fenced off in a failover); its map was replaced by the
	 * group's, and the keys that changed are reported through {@link #onChange}.
	 * @param discarded what was discarded
	 */
	default void onDiscarded(DiscardedChanges discarded) {
	}

	/**
	 * The role of this node was decided.
	 * @param role the role
	 */
	default void onRole(Role role) {
	}

	/**
	 * This node's connection to where its changes are sequenced changed: {@code true} when
	 * a worker is welcomed by its master, a node becomes master, or a peer reaches its
	 * remote sequencer (Redis); {@code false} when a worker loses its master or a peer
	 * its sequencer. Only changes are reported (never the same state twice in a row); a
	 * node is taken to start disconnected. Delivered in order with the changes, so a
	 * listener may lag the state that {@link GlobalValNode#isConnected()} reports now.
	 * @param connected whether the node is now connected
	 */
	default void onConnectionChanged(boolean connected) {
	}

}
