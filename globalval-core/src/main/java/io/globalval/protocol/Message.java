package io.globalval.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The messages of the globalval protocol, one record per {@link FrameType}. Values are
 * carried as JSON bytes; only the master looks inside one, for compare-and-set and
 * increment. The writes a worker sends are the {@link WriteCommand}s.
 */
public sealed interface Message permits Message.Hello, Message.Welcome, Message.Snapshot, Message.Resync,
		Message.Fetch, Message.Applied, Message.Ack, Message.Reply, Message.BroadcastAck, Message.Failure,
		Message.Ping, Message.Pong, Message.Confirm, WriteCommand {

	/**
	 * Return the frame type this message is written as.
	 * @return the frame type
	 */
	FrameType type();

	/**
	 * First frame of a worker.
	 * @param protocolVersion the worker's {@link Frame#PROTOCOL_VERSION}
	 * @param appName the application name; the master refuses another application
	 * @param lastRevision the last revision the worker applied, 0 if none
	 * @param epoch the epoch of the master that revision came from, 0 if none
	 * @param nodeId the worker's node id, random and the same for the life of its process,
	 * so that its writes are recognised across reconnects and failovers
	 * @param nodeName a readable name of the worker, for logs and metrics
	 * @param pid the worker's process id
	 * @param history the epochs of the worker's log up to {@code lastRevision}, so that the
	 * master finds the last revision they share
	 */
	record Hello(int protocolVersion, String appName, long lastRevision, long epoch, long nodeId,
			String nodeName, long pid, EpochHistory history) implements Message {
		public FrameType type() {
			return FrameType.HELLO;
		}
	}

	/**
	 * The master accepted a worker.
	 * @param epoch the master's epoch
	 * @param masterNodeId the master's node id
	 * @param revision the master's revision when the worker joined
	 * @param snapshotFollows whether a snapshot follows (otherwise the changes after the
	 * worker's last revision follow)
	 * @param keptRevision the last revision of the worker's log that the group keeps; the
	 * worker's changes after it are not in the group's history (the worker reports them as
	 * discarded), and a snapshot follows
	 */
	record Welcome(long epoch, long masterNodeId, long revision, boolean snapshotFollows, long keptRevision)
			implements Message {
		public FrameType type() {
			return FrameType.WELCOME;
		}
	}

	/**
	 * One chunk of a snapshot. A snapshot is one or more chunks of the same revision, the
	 * last one flagged; the receiver replaces its map once it has the last chunk.
	 * @param revision the revision of the whole snapshot
	 * @param broadcastId non-zero when the snapshot answers a broadcast and must be acknowledged
	 * @param last whether this is the last chunk
	 * @param entries the entries in this chunk
	 * @param history the epochs of the sender's log up to {@code revision}, which the
	 * receiver's log takes over with the snapshot (on the last chunk)
	 * @param appliedSequences the highest sequence number applied from each origin up to
	 * {@code revision} (on the last chunk), so that a write sent again is never applied twice
	 */
	record Snapshot(long revision, long broadcastId, boolean last, List<Entry> entries, EpochHistory history,
			Map<Long, Long> appliedSequences) implements Message {

		/**
		 * Create a chunk without applied sequences.
		 * @param revision the revision of the whole snapshot
		 * @param broadcastId non-zero when the snapshot answers a broadcast
		 * @param last whether this is the last chunk
		 * @param entries the entries in this chunk
		 * @param history the epochs of the sender's log
		 */
		public Snapshot(long revision, long broadcastId, boolean last, List<Entry> entries, EpochHistory history) {
			this(revision, broadcastId, last, entries, history, Map.of());
		}

		public FrameType type() {
			return FrameType.SNAPSHOT;
		}
	}

	/**
	 * One key of a snapshot.
	 * @param key the key
	 * @param revision the revision that last wrote it
	 * @param value its JSON bytes
	 */
	record Entry(String key, long revision, byte[] value) {

		@Override
		public boolean equals(Object other) {
			return (other instanceof Entry that) && this.key.equals(that.key) && this.revision == that.revision
					&& Arrays.equals(this.value, that.value);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.key, this.revision, Arrays.hashCode(this.value));
		}

		@Override
		public String toString() {
			return "Entry[" + this.key + "@" + this.revision + ", " + this.value.length + " bytes]";
		}

	}

	/**
	 * A worker saw a revision gap and asks for what follows its last revision.
	 * @param lastRevision the last revision it applied
	 */
	record Resync(long lastRevision) implements Message {
		public FrameType type() {
			return FrameType.RESYNC;
		}
	}

	/**
	 * A new master asks the member whose log is the most up to date for its changes after
	 * a revision; the member answers with {@link Applied} frames, or a {@link Snapshot}
	 * when it no longer has them or a snapshot is asked for.
	 * @param afterRevision the last revision the master's log shares with the member's
	 * @param wholeSnapshot whether the master asks for a snapshot (its own log has changes
	 * after {@code afterRevision} that the member's has not)
	 */
	record Fetch(long afterRevision, boolean wholeSnapshot) implements Message {
		public FrameType type() {
			return FrameType.FETCH;
		}
	}

	/**
	 * A sequenced change.
	 * @param revision its revision
	 * @param epoch the epoch of the master that sequenced it
	 * @param key the key
	 * @param value the new JSON value, or {@code null} when the key was deleted
	 * @param origin the node id of the process that made the write
	 * @param seq the write's sequence number at its origin
	 * @param originNanos {@link System#nanoTime()} at the origin when the write was made
	 */
	record Applied(long revision, long epoch, String key, byte[] value, long origin, long seq, long originNanos)
			implements Message {
		public FrameType type() {
			return FrameType.APPLIED;
		}

		@Override
		public boolean equals(Object other) {
			return (other instanceof Applied that) && this.revision == that.revision && this.epoch == that.epoch
					&& this.key.equals(that.key)
					&& Arrays.equals(this.value, that.value) && this.origin == that.origin && this.seq == that.seq
					&& this.originNanos == that.originNanos;
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.revision, this.key, Arrays.hashCode(this.value));
		}
	}

	/**
	 * Sent instead of {@link Applied} to the origin of a set or delete, which already has
	 * the value: the write was applied with this revision.
	 * @param revision the revision of the change
	 * @param seq the write's sequence number at its origin
	 */
	record Ack(long revision, long seq) implements Message {
		public FrameType type() {
			return FrameType.ACK;
		}
	}

	/**
	 * The outcome of a request that changed nothing (a failed compare-and-set, a delete
	 * of an absent key), of a write the master had already applied (a retry after a
	 * reconnect or failover), or of a broadcast.
	 * @param seq the request's sequence number at its origin
	 * @param revision the revision of the change, or the master's revision when nothing changed
	 * @param success whether the request did what it asked
	 * @param number the new value of an increment, else 0
	 */
	record Reply(long seq, long revision, boolean success, long number) implements Message {

		/**
		 * Create the reply that carries an outcome.
		 * @param seq the request's sequence number at its origin
		 * @param outcome the outcome
		 */
		public Reply(long seq, WriteOutcome outcome) {
			this(seq, outcome.revision(), outcome.success(), outcome.number());
		}

		public FrameType type() {
			return FrameType.REPLY;
		}

		/**
		 * Return the outcome this reply carries.
		 * @return the outcome
		 */
		public WriteOutcome outcome() {
			return new WriteOutcome(this.revision, this.success, this.number);
		}

	}

	/**
	 * A broadcast snapshot has been applied by the sender.
	 * @param broadcastId the id of the broadcast
	 */
	record BroadcastAck(long broadcastId) implements Message {
		public FrameType type() {
			return FrameType.BROADCAST_ACK;
		}
	}

	/**
	 * A request failed, or the connection is refused.
	 * @param seq the failed request's sequence number, or 0 when the whole connection is refused
	 * @param code an {@link ErrorCode}
	 * @param message what went wrong, for the log and the exception
	 */
	record Failure(long seq, ErrorCode code, String message) implements Message {
		public FrameType type() {
			return FrameType.ERROR;
		}
	}

	/**
	 * Liveness and lag probe.
	 * @param nanos {@link System#nanoTime()} at the master when sent
	 * @param revision the master's revision when sent
	 */
	record Ping(long nanos, long revision) implements Message {
		public FrameType type() {
			return FrameType.PING;
		}
	}

	/**
	 * Answer to a {@link Ping}.
	 * @param nanos the ping's {@code nanos}
	 * @param revision the worker's revision when it answered
	 */
	record Pong(long nanos, long revision) implements Message {
		public FrameType type() {
			return FrameType.PONG;
		}
	}

	/**
	 * A worker has applied every change up to a revision; the master acknowledges its own
	 * writes once another process has them.
	 * @param revision the worker's revision
	 */
	record Confirm(long revision) implements Message {
		public FrameType type() {
			return FrameType.CONFIRM;
		}
	}

}
