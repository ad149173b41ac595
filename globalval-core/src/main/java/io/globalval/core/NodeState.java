package io.globalval.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.Role;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.protocol.WriteCommand;

/**
 * What a node keeps whatever its role, so that a worker can become master without
 * losing anything: the replica, the listeners, the waiters for revisions, the recent
 * changes, the write sequence and the node's identity. Changes enter the replica only
 * through {@link #applyChange} and {@link #applySnapshot}, called by the one thread that
 * applies at a time (the worker's reader, or the master's sequencer).
 */
final class NodeState {

	private static final Logger logger = LoggerFactory.getLogger(NodeState.class);

	final NodeSettings settings;

	final ValueCodec codec;

	/** Time, timers, runners, the lock and the disk: everything the engine takes from outside. */
	final EngineRuntime runtime;

	final Replica replica;

	final NodeMetrics metrics = new NodeMetrics();

	/** Sequence numbers of this node's writes; with {@link #nodeId} they identify a write. */
	final AtomicLong sequence = new AtomicLong();

	/**
	 * This node's id: random, so that it stays the same across reconnects and failovers
	 * without coordination, and is never confused with a process that lived before.
	 */
	final long nodeId;

	/** Recent changes as encoded frames: catch-up for others when master, adoption after a failover. */
	final ChangeLog log;

	private final EventDispatcher events;

	private final RevisionWaiters waiters = new RevisionWaiters();

	/**
	 * Whether the applying thread holds the change events it makes until
	 * {@link #releaseEvents()}; that thread only.
	 */
	private boolean holdingEvents;

	/** The change being received, whose frame as it arrived is {@link #receivedFrame}; the applying thread's. */
	private Message.Applied receivedChange;

	/** The frame of {@link #receivedChange}, valid only while it is handled. */
	private ByteBuffer receivedFrame;

	/** The epoch of the master this node follows (or is). */
	volatile long epoch;

	/**
	 * The epochs of this node's log up to the replica's revision: which master sequenced
	 * each revision, so that two logs find the last revision they share. Written by the
	 * applying thread.
	 */
	volatile EpochHistory history = EpochHistory.EMPTY;

	/** The highest sequence number applied per origin; the applying thread's. */
	final AppliedSequences appliedSequences = new AppliedSequences();

	private final Object connectionLock = new Object();

	/** The connection state last reported to listeners; guarded by {@link #connectionLock}. */
	private boolean reportedConnected;

	NodeState(NodeSettings settings, ValueCodec codec, EngineRuntime runtime) {
		this.settings = settings;
		this.codec = codec;
		this.runtime = runtime;
		this.replica = new Replica(codec, settings.name());
		this.nodeId = runtime.newNodeId();
		this.log = new ChangeLog(settings.changeLogCapacity(), settings.changeLogMaxBytes());
		this.events = new EventDispatcher(runtime, settings.name(), this.metrics);
	}

	/**
	 * Run a task now and then on the runtime's timer, named after this node.
	 * @param purpose what the timer is for, in its name
	 * @param task the task
	 * @param period how often it runs
	 * @return the timer, to cancel with the role that uses it
	 */
	EngineRuntime.Cancellable every(String purpose, Runnable task, Duration period) {
		return this.runtime.schedule(purpose + "-" + this.settings.name(), period, period, task);
	}

	/**
	 * How often pending writes are checked against the write timeout: a tenth of it,
	 * between 10 and 100 ms.
	 * @return the period
	 */
	Duration writeSweepPeriod() {
		return Duration.ofMillis(Math.max(10, Math.min(100, this.settings.writeTimeout().toMillis() / 10)));
	}

	/**
	 * Give a write this process's next sequence number.
	 * @param factory builds the write
	 * @param nowNanos the runtime's time
	 * @param ordered whether the caller holds the lock under which its writes leave, so
	 * that they leave in the order of their numbers (see {@link EngineRuntime#nextWriteSeq})
	 * @return the write
	 */
	WriteCommand number(WriteFactory factory, long nowNanos, boolean ordered) {
		return factory.create(this.runtime.nextWriteSeq(this.sequence, ordered), nowNanos);
	}

	java.util.concurrent.CompletableFuture<Long> awaitRevision(long revision) {
		return this.waiters.await(this.replica, revision);
	}

	void addListener(ChangeListener listener) {
		this.events.addListener(listener);
	}

	void removeListener(ChangeListener listener) {
		this.events.removeListener(listener);
	}

	/**
	 * Apply one change received as its message, log it (its frame as it arrived when
	 * {@link #receiving} named it, else encoded again), and tell listeners and waiters.
	 * @param applied the change
	 */
	void applyChange(Message.Applied applied) {
		ByteBuffer received = (applied == this.receivedChange) ? this.receivedFrame : null;
		applyChange(applied.key(), applied.value(), applied.revision(), applied.epoch(), applied.origin(),
				applied.seq(), applied.originNanos(), null, applied, received);
	}

	/**
	 * Say which change is being received, with its frame as it arrived, so that applying
	 * it copies that frame into the log instead of encoding the change again. Applying
	 * thread only; the frame is used only while this change is applied.
	 * @param applied the change, or {@code null} once it was handled
	 * @param frame its encoded frame, or {@code null}
	 */
	void receiving(Message.Applied applied, ByteBuffer frame) {
		this.receivedChange = applied;
		this.receivedFrame = frame;
	}

	/**
	 * Apply one change to the replica, log it, and tell listeners and waiters.
	 * @param frame the change's encoded {@code APPLIED} frame, or {@code null} to log it as a message
	 */
	void applyChange(String key, byte[] json, long revision, long epoch, long origin, long seq, long originNanos,
			byte[] frame) {
		applyChange(key, json, revision, epoch, origin, seq, originNanos, frame, null, null);
	}

	private void applyChange(String key, byte[] json, long revision, long epoch, long origin, long seq,
			long originNanos, byte[] frame, Message.Applied applied, ByteBuffer received) {
		ReplicaEntry current = (json != null) ? Replica.newEntry(json, revision) : null;
		ReplicaEntry previous = this.replica.apply(key, current, revision);
		this.history = this.history.extend(revision, epoch);
		this.appliedSequences.applied(origin, seq);
		if (frame != null) {
			this.log.append(revision, frame);
		}
		else if (received != null) {
			this.log.append(revision, received);
		}
		else {
			this.log.append((applied != null) ? applied
					: new Message.Applied(revision, epoch, key, json, origin, seq, originNanos));
		}
		this.metrics.changesApplied.increment();
		if (originNanos != 0) {
			this.metrics.propagated(this.runtime.nanoTime() - originNanos);
		}
		if (this.events.hasListeners()) {
			ChangeEvent event = new ChangeEvent(key, current, previous, revision, origin, seq, originNanos,
					origin == this.nodeId, this.codec);
			Consumer<ChangeListener> call = (listener) -> listener.onChange(event);
			if (this.holdingEvents) {
				this.events.hold(call);
			}
			else {
				this.events.dispatch(call);
			}
		}
		this.waiters.reached(revision);
	}

	/**
	 * Hold the events of the changes applied from now on, to hand them to the event thread
	 * together at {@link #releaseEvents()}: for a thread that applies bursts of changes and
	 * knows where each ends. Applying thread only.
	 */
	void holdEvents() {
		this.holdingEvents = true;
	}

	/**
	 * Hand the held events to the event thread, and stop holding. Applying thread only;
	 * before it dispatches any other event and before it waits for more changes.
	 */
	void releaseEvents() {
		this.holdingEvents = false;
		this.events.release();
	}

	/**
	 * Replace the replica with a snapshot and tell listeners what changed.
	 * @param snapshot the new entries
	 * @param revision the snapshot's revision
	 * @param history the epochs of the log the snapshot was taken from, up to its revision
	 * @param applied the highest sequence number applied per origin up to its revision
	 */
	void applySnapshot(ConcurrentHashMap<String, ReplicaEntry> snapshot, long revision, EpochHistory history,
			Map<Long, Long> applied) {
		boolean first = !this.replica.isReady();
		Map<String, ReplicaEntry> previous = this.replica.replace(snapshot, revision);
		this.history = history.upTo(revision);
		this.appliedSequences.replace(applied);
		this.log.clear();
		this.replica.markReady();
		this.metrics.snapshotsApplied.increment();
		if (this.events.hasListeners()) {
			if (!first) {
				reportDifferences(previous, snapshot, revision);
			}
			int keys = snapshot.size();
			this.events.dispatch((listener) -> listener.onSnapshot(revision, keys));
		}
		this.waiters.reached(revision);
	}

	private void reportDifferences(Map<String, ReplicaEntry> before, Map<String, ReplicaEntry> after, long revision) {
		after.forEach((key, entry) -> {
			ReplicaEntry old = before.get(key);
			if (old == null || !Arrays.equals(old.json(), entry.json())) {
				ChangeEvent event = new ChangeEvent(key, entry, old, revision, -1, 0, 0, false, this.codec);
				this.events.dispatch((listener) -> listener.onChange(event));
			}
		});
		before.forEach((key, old) -> {
			if (!after.containsKey(key)) {
				ChangeEvent event = new ChangeEvent(key, null, old, revision, -1, 0, 0, false, this.codec);
				this.events.dispatch((listener) -> listener.onChange(event));
			}
		});
	}

	/**
	 * Report the changes of this node's log after a revision that the group does not
	 * keep, before its map is replaced: an ERROR log, a counter and an event.
	 * @param keptRevision the last revision the group keeps
	 * @param why what happened, for the log
	 */
	void discardAfter(long keptRevision, String why) {
		long last = this.replica.revision();
		if (keptRevision >= last) {
			return;
		}
		List<DiscardedChanges.Change> changes = new ArrayList<>();
		List<byte[]> frames = this.log.after(keptRevision, last);
		if (frames != null) {
			for (byte[] frame : frames) {
				if (FrameCodec.decode(frame) instanceof Message.Applied applied) {
					changes.add(new DiscardedChanges.Change(applied.revision(), applied.epoch(), applied.key(),
							applied.value() == null, applied.origin(), applied.seq()));
				}
			}
		}
		DiscardedChanges discarded = new DiscardedChanges(keptRevision, last, List.copyOf(changes), frames != null);
		this.metrics.changesDiscarded.add(discarded.count());
		logger.error("globalval '{}' discards {} change(s) that the group's history does not keep ({}): {}",
				this.settings.name(), discarded.count(), why, discarded);
		this.events.dispatch((listener) -> listener.onDiscarded(discarded));
	}

	/**
	 * Encode this node's replica as snapshot frames, with its history and applied sequences.
	 * @param broadcastId the broadcast it answers, or 0
	 * @return the frames
	 */
	List<byte[]> snapshotFrames(long broadcastId) {
		return Snapshots.encode(this.replica, broadcastId, this.history, this.appliedSequences.copy());
	}

	void roleDecided(Role role) {
		this.events.dispatch((listener) -> listener.onRole(role));
	}

	/**
	 * Tell listeners that the connection to the sequencer (master, remote sequencer) is
	 * up or down, unless they were told so last.
	 * @param connected whether connected now
	 */
	void connectionChanged(boolean connected) {
		// under the lock, so that listeners get the flips in the order they happened
		synchronized (this.connectionLock) {
			if (this.reportedConnected != connected) {
				this.reportedConnected = connected;
				this.events.dispatch((listener) -> listener.onConnectionChanged(connected));
			}
		}
	}

	void closeEvents() {
		this.events.close();
	}

}
