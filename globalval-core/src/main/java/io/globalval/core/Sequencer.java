package io.globalval.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValException;
import io.globalval.GlobalValRejectedException;
import io.globalval.protocol.ErrorCode;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.protocol.Message.Applied;
import io.globalval.protocol.WriteCommand;
import io.globalval.protocol.WriteCommand.BroadcastAll;
import io.globalval.protocol.WriteCommand.CompareAndSetValue;
import io.globalval.protocol.WriteCommand.DeleteKey;
import io.globalval.protocol.WriteCommand.IncrementValue;
import io.globalval.protocol.WriteCommand.SetValue;
import io.globalval.protocol.WriteOutcome;

/**
 * The only place revisions are made: a single-threaded state machine, driven by a
 * {@link CommandRunner} (a thread of its own in production, the simulator's steps in
 * tests). For each write command it checks the write against the master's replica,
 * gives it the next revision, applies it, logs it, and queues one encoded frame to every
 * subscribed worker. The frames of one batch of commands are corked: each link gets them
 * in one write at the end of the batch (one system call per link, one wake-up per
 * receiver). Being single-threaded, compare-and-set and increment are atomic without
 * locks, and a joining worker's snapshot and its subscription happen at one point
 * between two revisions, so no change can fall between them. It owns no thread, clock or
 * file: its outputs go to the links, the {@link ChangeStore} (on the runtime's
 * {@link Disk}), the callers' futures and the node's events.
 * <p>
 * Over 350 lines because the write path, joins, catch-up, adoption after a failover and
 * broadcasts all read and change the same replica, subscriber list and exactly-once
 * record, one command at a time; splitting them would spread that state.
 * <p>
 * Every write is identified by its origin's node id and sequence number; a write seen
 * before (sent again after a reconnect or a failover) is answered with its first outcome
 * and not applied again.
 * <p>
 * A master that takes over after a failover first <em>holds</em> writes for a grace
 * period: workers that reconnect and are ahead of it (they applied changes of the old
 * master that it missed) are asked for those changes, which it adopts with their
 * original revisions. Only then does it sequence new writes, so no change that any
 * process had applied is lost.
 */
final class Sequencer implements CommandHandler<Sequencer.Command> {

	private static final Logger logger = LoggerFactory.getLogger(Sequencer.class);

	private final NodeState state;

	private final Replica replica;

	private final ValueCodec codec;

	private final long epoch;

	// state below is touched by the runner's thread only

	private final List<WorkerLink> subscribers = new ArrayList<>();

	private final Map<Long, PendingBroadcast> broadcasts = new HashMap<>();

	private final RecentWrites recent = new RecentWrites();

	private final List<Write> held = new ArrayList<>();

	private long lastBroadcastId;

	/** Whether writes wait (a master that took over, adopting what workers are ahead with). */
	private boolean holding;

	/** Up to this revision, a worker of an older epoch shares this master's history. */
	private long sharedHistoryRevision;

	private ConcurrentHashMap<String, ReplicaEntry> adoptedSnapshot;

	private final ChangeStore store;

	/** Whether frames and answers wait for the batch's fsync (persistence with fsync always). */
	private final boolean deferring;

	private final List<WorkerLink> deferredLinks = new ArrayList<>();

	private final List<byte[]> deferredFrames = new ArrayList<>();

	private final List<Runnable> deferredActions = new ArrayList<>();

	/** Links with frames appended in this batch and not flushed yet. */
	private final List<WorkerLink> corked = new ArrayList<>();

	/**
	 * Create a sequencer; a runner drives it.
	 * @param state the node's state; its replica becomes the master's
	 * @param epoch the master's epoch
	 * @param takeOver whether this master replaces one that died: hold writes and adopt
	 * what reconnecting workers are ahead with until {@link #endHolding()}
	 * @param store where changes are persisted, or {@code null}
	 */
	Sequencer(NodeState state, long epoch, boolean takeOver, ChangeStore store) {
		this.state = state;
		this.store = store;
		this.deferring = store != null && store.syncsEveryBatch();
		this.replica = state.replica;
		this.codec = state.codec;
		this.epoch = epoch;
		this.holding = takeOver;
		this.sharedHistoryRevision = takeOver ? Long.MAX_VALUE : 0;
		if (takeOver) {
			rememberLoggedWrites();
		}
	}

	long epoch() {
		return this.epoch;
	}

	/**
	 * Record the outcomes of the writes this node applied as a worker, so that their
	 * origins, retrying them now, are answered instead of applying them twice.
	 */
	private void rememberLoggedWrites() {
		for (byte[] frame : this.state.log.all()) {
			if (FrameCodec.decode(frame) instanceof Applied applied) {
				rememberAdopted(applied);
			}
		}
	}

	private void rememberAdopted(Applied applied) {
		long number = (applied.value() != null) ? numberOrZero(applied.value()) : 0;
		this.recent.record(applied.origin(), applied.seq(), new WriteOutcome(applied.revision(), true, number));
	}

	@Override
	public void rejected(Command command, String reason) {
		command.reject("The master of '" + this.state.settings.name() + "' is not taking writes: " + reason);
	}

	@Override
	public void stopped() {
		for (Write write : this.held) {
			write.reject("The master of '" + this.state.settings.name() + "' stopped before it took writes");
		}
		this.held.clear();
	}

	/**
	 * Force the batch's changes to disk if the policy says so, then let its frames (one
	 * write per link) and answers go.
	 */
	@Override
	public void endBatch() {
		if (this.deferring) {
			this.store.sync();
			for (int i = 0; i < this.deferredLinks.size(); i++) {
				append(this.deferredLinks.get(i), this.deferredFrames.get(i));
			}
			flushLinks();
			this.deferredActions.forEach(Runnable::run);
			this.deferredLinks.clear();
			this.deferredFrames.clear();
			this.deferredActions.clear();
		}
		else {
			flushLinks();
		}
		if (this.store != null && this.store.needsCompaction()) {
			this.store.compact(this.replica);
		}
	}

	private void deliver(WorkerLink link, byte[] frame) {
		if (this.deferring) {
			this.deferredLinks.add(link);
			this.deferredFrames.add(frame);
		}
		else {
			append(link, frame);
		}
	}

	/** Queue a frame on a link without writing it; {@link #flushLinks()} writes it. */
	private void append(WorkerLink link, byte[] frame) {
		link.append(frame);
		if (!link.corked) {
			link.corked = true;
			this.corked.add(link);
		}
	}

	private void flushLinks() {
		for (int i = 0; i < this.corked.size(); i++) {
			WorkerLink link = this.corked.get(i);
			link.corked = false;
			link.flush();
		}
		this.corked.clear();
	}

	private void emit(Runnable action) {
		if (this.deferring) {
			this.deferredActions.add(action);
		}
		else {
			action.run();
		}
	}

	@Override
	public void process(Command command) {
		if (command instanceof Write write) {
			processWrite(write);
		}
		else if (command instanceof Join join) {
			processJoin(join);
		}
		else if (command instanceof Leave leave) {
			processLeave(leave.link());
		}
		else if (command instanceof Resync resync) {
			processResync(resync);
		}
		else if (command instanceof Broadcast broadcast) {
			processBroadcast(broadcast);
		}
		else if (command instanceof BroadcastAcked acked) {
			processBroadcastAcked(acked);
		}
		else if (command instanceof Adopt adopt) {
			processAdopt(adopt);
		}
		else if (command instanceof EndHolding) {
			processEndHolding();
		}
		else if (command instanceof Sync && this.store != null) {
			this.store.sync();
		}
	}

	private void processWrite(Write write) {
		if (write.request() instanceof BroadcastAll broadcast) {
			// not held while taking over, as before: a broadcast changes nothing
			processBroadcast(new Broadcast(write.origin(), broadcast.seq(), write.local()));
			return;
		}
		if (this.holding) {
			this.held.add(write);
			return;
		}
		WriteCommand request = write.request();
		int origin = (write.origin() != null) ? write.origin().nodeId : this.state.nodeId;
		long seq = request.seq();
		WriteOutcome earlier = this.recent.find(origin, seq);
		if (earlier == RecentWrites.FORGOTTEN) {
			String message = ("%s (write %d of node %d) was processed before, but its outcome is older than the %d "
					+ "this master keeps per process; it may have been applied and is not applied again")
				.formatted(request.describe(), seq, origin, RecentWrites.PER_ORIGIN);
			if (write.origin() != null) {
				deliver(write.origin(),
						FrameCodec.encode(new Message.Failure(seq, ErrorCode.OUTCOME_UNKNOWN, message)));
			}
			else {
				emit(() -> write.local().completeExceptionally(new GlobalValException(message)));
			}
			return;
		}
		if (earlier != null) {
			if (write.origin() != null) {
				deliver(write.origin(), FrameCodec.encode(new Message.Reply(seq, earlier)));
			}
			else {
				Object result = request.result(earlier);
				emit(() -> write.local().complete(result));
			}
			return;
		}
		if (request instanceof SetValue set) {
			long revision = commit(set.key(), set.value(), origin, seq, set.originNanos(), write.origin(), true);
			done(write, origin, seq, WriteOutcome.applied(revision));
		}
		else if (request instanceof DeleteKey delete) {
			if (this.replica.entry(delete.key()) == null) {
				done(write, origin, seq, WriteOutcome.unchanged(this.replica.revision()));
				return;
			}
			long revision = commit(delete.key(), null, origin, seq, delete.originNanos(), write.origin(), true);
			done(write, origin, seq, WriteOutcome.applied(revision));
		}
		else if (request instanceof CompareAndSetValue cas) {
			ReplicaEntry current = this.replica.entry(cas.key());
			boolean matches = (cas.expected() == null) ? current == null
					: current != null && this.codec.sameValue(current.json(), cas.expected());
			if (!matches) {
				done(write, origin, seq, WriteOutcome.unchanged(this.replica.revision()));
				return;
			}
			long revision = commit(cas.key(), cas.update(), origin, seq, cas.originNanos(), write.origin(), true);
			done(write, origin, seq, WriteOutcome.applied(revision));
		}
		else if (request instanceof IncrementValue increment) {
			processIncrement(write, increment, origin);
		}
		else {
			// a broadcast never gets here: it is handled above
			throw new IllegalArgumentException("Not a write the sequencer applies: " + request);
		}
	}

	private void processIncrement(Write write, IncrementValue increment, int origin) {
		ReplicaEntry current = this.replica.entry(increment.key());
		long value = 0;
		if (current != null) {
			Long parsed = this.codec.asLong(current.json());
			if (parsed == null) {
				fail(write, increment.seq(), "Value of '" + increment.key()
						+ "' is not an integer; cannot increment it (set it to a number first)");
				return;
			}
			value = parsed;
		}
		long updated;
		try {
			updated = Math.addExact(value, increment.delta());
		}
		catch (ArithmeticException ex) {
			fail(write, increment.seq(), "Incrementing '" + increment.key() + "' (" + value + ") by "
					+ increment.delta() + " would overflow a long");
			return;
		}
		// the origin needs the new value, so it gets the full change rather than an ack
		long revision = commit(increment.key(), ValueCodec.longToJson(updated), origin, increment.seq(),
				increment.originNanos(), write.origin(), false);
		done(write, origin, increment.seq(), new WriteOutcome(revision, true, updated));
	}

	private void fail(Write write, long seq, String message) {
		if (write.origin() != null) {
			deliver(write.origin(), FrameCodec.encode(new Message.Failure(seq, ErrorCode.CONFLICT, message)));
		}
		else {
			emit(() -> write.local().completeExceptionally(new GlobalValRejectedException(message)));
		}
	}

	private void done(Write write, int origin, long seq, WriteOutcome outcome) {
		this.recent.record(origin, seq, outcome);
		if (write.origin() == null) {
			Object result = write.request().result(outcome);
			emit(() -> write.local().complete(result));
		}
		else if (!outcome.success()) {
			deliver(write.origin(), FrameCodec.encode(new Message.Reply(seq, outcome.revision(), false, 0)));
		}
	}

	/**
	 * Sequence one change: next revision, apply, log, fan out.
	 * @param ackOrigin whether the origin gets a short ack instead of the full change
	 * (it has the value already)
	 */
	private long commit(String key, byte[] json, int origin, long seq, long originNanos, WorkerLink originLink,
			boolean ackOrigin) {
		long revision = this.replica.revision() + 1;
		byte[] frame = FrameCodec.encode(new Applied(revision, key, json, origin, seq, originNanos));
		this.state.applyChange(key, json, revision, origin, seq, originNanos, frame);
		if (this.store != null) {
			this.store.append(frame);
		}
		for (WorkerLink link : this.subscribers) {
			deliver(link, (link == originLink && ackOrigin) ? FrameCodec.encode(new Message.Ack(revision, seq)) : frame);
		}
		return revision;
	}

	private void processJoin(Join join) {
		WorkerLink link = join.link();
		Message.Hello hello = join.hello();
		long revision = this.replica.revision();
		if (this.holding && hello.epoch() != 0 && hello.epoch() < this.epoch && hello.lastRevision() > revision) {
			// the worker applied changes of the old master that this one missed: adopt them
			deliver(link, FrameCodec.encode(new Message.Welcome(this.epoch, this.state.nodeId, revision, false)));
			link.adopting = true;
			deliver(link, FrameCodec.encode(new Message.Fetch(revision)));
			this.subscribers.add(link);
			logger.info("{} is ahead ({} > {}); adopting its changes", link, hello.lastRevision(), revision);
			return;
		}
		boolean sharedHistory = hello.epoch() != 0
				&& (hello.epoch() == this.epoch || hello.lastRevision() <= this.sharedHistoryRevision);
		List<byte[]> catchUp = sharedHistory ? this.state.log.after(hello.lastRevision(), revision) : null;
		deliver(link, FrameCodec.encode(new Message.Welcome(this.epoch, this.state.nodeId, revision, catchUp == null)));
		if (catchUp != null) {
			catchUp.forEach((frame) -> deliver(link, frame));
			logger.debug("{} joined at revision {}; sent {} changes", link, hello.lastRevision(), catchUp.size());
		}
		else {
			Snapshots.encode(this.replica, 0).forEach((frame) -> deliver(link, frame));
			logger.debug("{} joined; sent a snapshot of {} keys at revision {}", link, this.replica.size(), revision);
		}
		this.subscribers.add(link);
	}

	private void processAdopt(Adopt adopt) {
		if (adopt.changes() instanceof Applied applied) {
			if (applied.revision() != this.replica.revision() + 1) {
				return;
			}
			byte[] frame = FrameCodec.encode(applied);
			this.state.applyChange(applied.key(), applied.value(), applied.revision(), applied.origin(), applied.seq(),
					applied.originNanos(), frame);
			rememberAdopted(applied);
			if (this.store != null) {
				this.store.append(frame);
			}
			for (WorkerLink link : this.subscribers) {
				if (link != adopt.link()) {
					deliver(link, frame);
				}
			}
		}
		else if (adopt.changes() instanceof Message.Snapshot snapshot) {
			if (snapshot.revision() <= this.replica.revision()) {
				return;
			}
			if (this.adoptedSnapshot == null) {
				this.adoptedSnapshot = new ConcurrentHashMap<>();
			}
			snapshot.entries()
				.forEach((entry) -> this.adoptedSnapshot.put(entry.key(), Replica.newEntry(entry.value(), entry.revision())));
			if (snapshot.last()) {
				this.state.applySnapshot(this.adoptedSnapshot, snapshot.revision());
				this.adoptedSnapshot = null;
				if (this.store != null) {
					this.store.compact(this.replica);
				}
				List<byte[]> frames = Snapshots.encode(this.replica, 0);
				for (WorkerLink link : this.subscribers) {
					if (link != adopt.link()) {
						frames.forEach((frame) -> deliver(link, frame));
					}
				}
				logger.info("Adopted a snapshot at revision {} from {}", snapshot.revision(), adopt.link());
			}
		}
	}

	private long numberOrZero(byte[] json) {
		Long number = this.codec.asLong(json);
		return (number != null) ? number : 0;
	}

	private void processEndHolding() {
		if (!this.holding) {
			return;
		}
		this.holding = false;
		this.sharedHistoryRevision = this.replica.revision();
		logger.info("Master of '{}' (epoch {}) takes writes from revision {}; {} were waiting",
				this.state.settings.name(), this.epoch, this.replica.revision(), this.held.size());
		List<Write> waiting = new ArrayList<>(this.held);
		this.held.clear();
		waiting.forEach(this::processWrite);
	}

	private void processResync(Resync resync) {
		WorkerLink link = resync.link();
		this.state.metrics.resyncs.increment();
		List<byte[]> catchUp = this.state.log.after(resync.lastRevision(), this.replica.revision());
		List<byte[]> frames = (catchUp != null) ? catchUp : Snapshots.encode(this.replica, 0);
		frames.forEach((frame) -> deliver(link, frame));
		logger.info("{} asked for a resync after revision {}; sent {}", link, resync.lastRevision(),
				(catchUp != null) ? catchUp.size() + " changes" : "a snapshot");
	}

	private void processLeave(WorkerLink link) {
		this.subscribers.remove(link);
		Iterator<PendingBroadcast> it = this.broadcasts.values().iterator();
		while (it.hasNext()) {
			PendingBroadcast pending = it.next();
			if (pending.waiting.remove(link) && pending.waiting.isEmpty()) {
				it.remove();
				finishBroadcast(pending);
			}
		}
	}

	private void processBroadcast(Broadcast broadcast) {
		long id = ++this.lastBroadcastId;
		PendingBroadcast pending = new PendingBroadcast(broadcast, new HashSet<>(this.subscribers));
		if (pending.waiting.isEmpty()) {
			finishBroadcast(pending);
			return;
		}
		List<byte[]> frames = Snapshots.encode(this.replica, id);
		for (WorkerLink link : this.subscribers) {
			frames.forEach((frame) -> deliver(link, frame));
		}
		this.broadcasts.put(id, pending);
	}

	private void processBroadcastAcked(BroadcastAcked acked) {
		PendingBroadcast pending = this.broadcasts.get(acked.broadcastId());
		if (pending != null && pending.waiting.remove(acked.link()) && pending.waiting.isEmpty()) {
			this.broadcasts.remove(acked.broadcastId());
			finishBroadcast(pending);
		}
	}

	private void finishBroadcast(PendingBroadcast pending) {
		Broadcast request = pending.request;
		if (request.origin() != null) {
			deliver(request.origin(), FrameCodec.encode(new Message.Reply(request.seq(), this.replica.revision(), true, 0)));
		}
		else {
			emit(() -> request.local().complete(null));
		}
	}

	/** An input of the sequencer. */
	interface Command {

		default void reject(String message) {
		}

	}

	/** A write from a worker ({@code origin} set) or from this node ({@code local} set). */
	record Write(WorkerLink origin, WriteCommand request, CompletableFuture<Object> local) implements Command {

		void fail(long seq, ErrorCode code, String message) {
			if (this.origin != null) {
				this.origin.send(FrameCodec.encode(new Message.Failure(seq, code, message)));
			}
			else {
				this.local.completeExceptionally(new GlobalValRejectedException(message));
			}
		}

		@Override
		public void reject(String message) {
			fail(this.request.seq(), ErrorCode.UNAVAILABLE, message);
		}

	}

	record Join(WorkerLink link, Message.Hello hello) implements Command {
	}

	record Resync(WorkerLink link, long lastRevision) implements Command {
	}

	record Leave(WorkerLink link) implements Command {
	}

	record Adopt(WorkerLink link, Message changes) implements Command {
	}

	record EndHolding() implements Command {
	}

	record Sync() implements Command {
	}

	record Broadcast(WorkerLink origin, long seq, CompletableFuture<Object> local) implements Command {

		@Override
		public void reject(String message) {
			if (this.origin != null) {
				this.origin.send(FrameCodec.encode(new Message.Failure(this.seq, ErrorCode.UNAVAILABLE, message)));
			}
			else {
				this.local.completeExceptionally(new GlobalValRejectedException(message));
			}
		}

	}

	record BroadcastAcked(WorkerLink link, long broadcastId) implements Command {
	}

	private static final class PendingBroadcast {

		final Broadcast request;

		final Set<WorkerLink> waiting;

		PendingBroadcast(Broadcast request, Set<WorkerLink> waiting) {
			this.request = request;
			this.waiting = waiting;
		}

	}

}
