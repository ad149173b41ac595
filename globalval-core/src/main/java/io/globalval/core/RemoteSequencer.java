package io.globalval.core;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.globalval.GlobalValException;
import io.globalval.GlobalValRejectedException;
import io.globalval.protocol.WriteCommand;
import io.globalval.protocol.WriteOutcome;

/**
 * A sequencer outside this process (a Redis server, for example) that orders every
 * change of an application, so that every process is a peer: none is master. A node
 * started on one (with {@link io.globalval.GlobalValNodes.Builder#sequencer(RemoteSequencer)})
 * has role {@link io.globalval.Role#PEER}; it hands its writes to {@link #submit} and the
 * sequencer hands the ordered changes back to its {@link Follower}.
 * <p>
 * What an implementation promises:
 * <ul>
 * <li><b>One order.</b> Every change gets the next revision (1, 2, 3, ... without gaps)
 * and every follower is told of them in that order; when it cannot be told of a change
 * (the history no longer reaches back that far, or was lost) it is given a consistent
 * snapshot instead.</li>
 * <li><b>Exactly once.</b> A write is identified by its origin's node id and its
 * {@link WriteCommand#seq()}. Sent again (after a lost connection, say), it is answered
 * with its first outcome and not applied twice.</li>
 * <li><b>Bounded.</b> The future of {@link #submit} completes, successfully or not, by
 * about the write's deadline; the node fails the caller's future at that time in any
 * case.</li>
 * </ul>
 * The node completes a caller's future only once its own replica has reached the
 * outcome's revision, so a process reads its own writes.
 */
public interface RemoteSequencer extends AutoCloseable {

	/**
	 * Start following the sequence: give the follower a first snapshot (which makes the
	 * node ready), then every change in order, reconnecting as needed, until closed.
	 * @param settings the node's settings
	 * @param follower what receives the ordered changes; called from one thread at a time
	 * @throws GlobalValException if the sequencer cannot be reached at all
	 */
	void start(NodeSettings settings, Follower follower);

	/**
	 * Sequence a write. A {@link WriteCommand.BroadcastAll} makes every follower reload a
	 * snapshot (what {@code broadcast()} means for peers). The expected value of a
	 * {@link WriteCommand.CompareAndSetValue} is compared byte for byte: the node has
	 * already replaced a value equal to its replica's current one by the replica's exact
	 * bytes.
	 * @param origin the node id of the process that makes the write
	 * @param command the write, its key already checked; with {@code origin}, its
	 * {@link WriteCommand#seq()} identifies it
	 * @param deadlineNanos the {@link System#nanoTime()} after which the write is no longer tried
	 * @return the outcome, once the sequencer has decided it; fails with a
	 * {@link GlobalValRejectedException} if the current value does not allow the write,
	 * or another {@link GlobalValException} if it could not be sequenced in time
	 */
	CompletableFuture<WriteOutcome> submit(long origin, WriteCommand command, long deadlineNanos);

	/**
	 * Return whether this process is connected to the sequencer.
	 * @return whether connected
	 */
	boolean isConnected();

	/**
	 * Return a description of where the sequencer is, for logs.
	 * @return the address
	 */
	String address();

	/**
	 * Return what a health report shows of this sequencer beyond its address, such as how
	 * it is reached and what it last checked.
	 * @return details by name: strings, numbers, booleans, or maps of those; empty by default
	 */
	default Map<String, Object> details() {
		return Map.of();
	}

	/**
	 * Stop following, fail what is still in flight, and close connections.
	 */
	@Override
	void close();

	/**
	 * One key of a snapshot.
	 *
	 * @param key the key
	 * @param json the value's JSON bytes
	 * @param revision the revision that wrote it
	 */
	record Entry(String key, byte[] json, long revision) {
	}

	/**
	 * The node's side: its replica, fed in revision order. Called by one thread at a time.
	 */
	interface Follower {

		/**
		 * Return the node id that identifies this process's writes.
		 * @return the node id
		 */
		long nodeId();

		/**
		 * Return the revision the replica has reached.
		 * @return the revision, 0 before the first snapshot
		 */
		long revision();

		/**
		 * Return whether the replica has applied a first snapshot.
		 * @return whether ready
		 */
		boolean isReady();

		/**
		 * Apply the next change.
		 * @param revision its revision; must be {@link #revision()} + 1
		 * @param key the key
		 * @param json the new value, or {@code null} for a delete
		 * @param origin the node id of the process that made it
		 * @param seq its sequence number in that process
		 * @param originNanos {@link System#nanoTime()} at the origin, or 0
		 * @throws IllegalStateException if the revision is not the next one
		 */
		void applyChange(long revision, String key, byte[] json, long origin, long seq, long originNanos);

		/**
		 * Replace the replica with a snapshot (the first one makes the node ready).
		 * @param revision the snapshot's revision (lower than {@link #revision()} only if the
		 * sequencer lost its history)
		 * @param entries every key
		 */
		void applySnapshot(long revision, Collection<Entry> entries);

		/**
		 * Return the write id of the change this node applied at a revision, from its
		 * change log, to compare its history with the sequencer's.
		 * @param revision the revision
		 * @return {@code <origin>:<seq>}, or {@code null} when the log no longer holds it
		 * (or it came with a snapshot)
		 */
		default String writeIdAt(long revision) {
			return null;
		}

		/**
		 * Report the changes this node applied after a revision that the sequencer's
		 * history no longer holds (it went back, or forked), before a snapshot replaces
		 * them: an ERROR log, a counter and an event.
		 * @param keptRevision the last revision both histories share
		 * @param why what happened, for the log
		 */
		default void discardAfter(long keptRevision, String why) {
		}

		/**
		 * The connection to the sequencer is up (a read succeeded) or down (one failed).
		 * May be called with the same state again; the node reports changes only.
		 * @param connected whether connected now
		 */
		default void connectionChanged(boolean connected) {
		}

		/**
		 * Return the node's counters, for the transport's byte counts.
		 * @return the metrics
		 */
		NodeMetrics metrics();

	}

}
