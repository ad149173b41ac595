package io.globalval.core;

import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
import io.globalval.GlobalValTimeoutException;
import io.globalval.protocol.EpochHistory;
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
 * A new master first <em>holds</em> writes until every member of the last master's group
 * whose process is still alive has reconnected (bounded by {@code failover.max-wait}):
 * each says in its HELLO how far its log goes and which epochs sequenced it
 * ({@link EpochHistory}). The most up to date log among them and the master's own wins:
 * the master fetches what it lacks from that member (its changes with their original
 * revisions and epochs, or a snapshot when the two logs part), and only then welcomes the
 * members, each from the last revision its log shares with the master's (a member whose
 * log goes on past it reports those changes as discarded and takes a snapshot). Only then
 * does it sequence new writes, so no change that a live member had applied is lost.
 * <p>
 * The master's own writes are acknowledged once a worker has confirmed them (or they are
 * forced to disk with {@code fsync=always}, or the master has no worker), so that an
 * acknowledged write survives the master's death.
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

	/** Whether writes and welcomes wait for the members of the last group (see the class javadoc). */
	private boolean holding;

	/** Processes of the last group that have not said HELLO yet, while holding. */
	private final Set<Long> awaitedMembers;

	/** Members that said HELLO while holding, in order, welcomed when holding ends. */
	private final Map<WorkerLink, Message.Hello> candidates = new LinkedHashMap<>();

	/** Members whose log was fetched, or could not be: not asked again in this takeover. */
	private final Set<WorkerLink> askedMembers = new HashSet<>();

	/** Whether {@code failover.max-wait} has passed: absent members are no longer awaited. */
	private boolean waitedLongEnough;

	/** The member whose log is being fetched, or {@code null}. */
	private WorkerLink fetchingFrom;

	/** The last revision the master's log shares with {@link #fetchingFrom}'s. */
	private long fetchKept;

	private ConcurrentHashMap<String, ReplicaEntry> adoptedSnapshot;

	private final Group group;

	/** The highest revision a worker has confirmed; the master's own writes up to it are acknowledged. */
	private long confirmedRevision;

	/** The master's own writes waiting for a worker to confirm them, in revision order. */
	private final ArrayDeque<Unconfirmed> unconfirmed = new ArrayDeque<>();

	private final ChangeStore store;

	/** Whether frames and answers wait for the batch's fsync (persistence with fsync always). */
	private final boolean deferring;

	private final List<WorkerLink> deferredLinks = new ArrayList<>();

	private final List<byte[]> deferredFrames = new ArrayList<>();

	/** Answers to this node's own writes that wait for the batch's fsync: futures and what they get. */
	private final List<CompletableFuture<Object>> deferredFutures = new ArrayList<>();

	private final List<Object> deferredResults = new ArrayList<>();

	/** Why this sequencer stopped for good (its disk failed), or {@code null}. */
	private String failure;

	/** Links with frames appended in this batch and not flushed yet. */
	private final List<WorkerLink> corked = new ArrayList<>();

	/**
	 * Create a sequencer; a runner drives it. It holds writes until a {@link CheckHolding}
	 * finds no member of the last group alive and unheard of (or {@link EndHolding}).
	 * @param state the node's state; its replica becomes the master's
	 * @param epoch the master's epoch
	 * @param awaitedMembers process ids of the last group's members (the lock file's) to
	 * wait for; those found dead are not waited for
	 * @param store where changes are persisted, or {@code null}
	 * @param group what the master knows of its members beyond the connected ones
	 */
	Sequencer(NodeState state, long epoch, Set<Long> awaitedMembers, ChangeStore store, Group group) {
		this.state = state;
		this.store = store;
		this.deferring = store != null && store.syncsEveryBatch();
		this.replica = state.replica;
		this.codec = state.codec;
		this.epoch = epoch;
		this.holding = true;
		this.awaitedMembers = new HashSet<>(awaitedMembers);
		this.group = group;
		rememberLoggedWrites();
	}

	long epoch() {
		return this.epoch;
	}

	/**
	 * Record the outcomes of the writes this node applied as a worker, so that their
	 * origins, retrying them now, are answered instead of applying them twice.
	 */
	private void rememberLoggedWrites() {
		this.recent.markProcessed(this.state.appliedSequences.copy());
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
		// applied here and sent to the workers, which may or may not have them
		failUnconfirmed("it stopped");
	}

	private void failUnconfirmed(String why) {
		while (!this.unconfirmed.isEmpty()) {
			Unconfirmed write = this.unconfirmed.pollFirst();
			write.future().completeExceptionally(new GlobalValException(("The master of '%s' %s before a worker "
					+ "confirmed %s (revision %d); it may have been applied").formatted(this.state.settings.name(), why,
							write.request().describe(), write.revision())));
		}
	}

	/**
	 * Force the batch's changes to disk if the policy says so, then let its frames (one
	 * write per link) and answers go.
	 */
	@Override
	public void endBatch() {
		if (this.deferring && this.failure == null) {
			try {
				this.store.sync();
			}
			catch (UncheckedIOException ex) {
				diskFailed(ex);
				return;
			}
			for (int i = 0; i < this.deferredLinks.size(); i++) {
				append(this.deferredLinks.get(i), this.deferredFrames.get(i));
			}
			flushLinks();
			for (int i = 0; i < this.deferredFutures.size(); i++) {
				complete(this.deferredFutures.get(i), this.deferredResults.get(i));
			}
			this.deferredLinks.clear();
			this.deferredFrames.clear();
			this.deferredFutures.clear();
			this.deferredResults.clear();
		}
		else {
			flushLinks();
		}
		if (this.store != null && this.failure == null && this.store.needsCompaction()) {
			this.store.compact(this.state);
		}
	}

	private static void complete(CompletableFuture<Object> future, Object result) {
		if (result instanceof Throwable error) {
			future.completeExceptionally(error);
		}
		else {
			future.complete(result);
		}
	}

	/**
	 * Fail-stop: the disk failed (an append, or a force), so nothing more is sequenced;
	 * what waited for the batch's force is failed as "may have been applied" (it may be on
	 * the disk, but no other process has it), held and unconfirmed writes fail, and the
	 * master is told to step down, releasing the lock so that another process takes over.
	 */
	private void diskFailed(UncheckedIOException ex) {
		if (this.failure != null) {
			return;
		}
		this.failure = "its disk failed (" + ex.getMessage() + "); it stepped down";
		logger.error("Master of '{}' (epoch {}) stops sequencing at revision {}: the disk failed; it steps down so that "
				+ "another process takes over", this.state.settings.name(), this.epoch, this.replica.revision(), ex);
		String name = this.state.settings.name();
		for (int i = 0; i < this.deferredFutures.size(); i++) {
			Object result = this.deferredResults.get(i);
			this.deferredFutures.get(i).completeExceptionally((result instanceof Throwable error) ? error
					: new GlobalValException("The master of '" + name + "' could not force a write to disk; it may have "
							+ "been applied"));
		}
		this.deferredLinks.clear();
		this.deferredFrames.clear();
		this.deferredFutures.clear();
		this.deferredResults.clear();
		// what the batch applied before the failure goes out, ahead of the rejections
		flushLinks();
		failUnconfirmed("its disk failed");
		for (Write write : this.held) {
			write.reject("The master of '" + name + "' " + this.failure);
		}
		this.held.clear();
		this.group.diskFailed(ex);
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
		if (link.append(frame)) {
			this.corked.add(link);
		}
	}

	private void flushLinks() {
		for (int i = 0; i < this.corked.size(); i++) {
			this.corked.get(i).flush();
		}
		this.corked.clear();
	}

	/** Complete one of this node's own writes, after the batch's force when there is one. */
	private void emit(CompletableFuture<Object> future, Object result) {
		if (this.deferring) {
			this.deferredFutures.add(future);
			this.deferredResults.add(result);
		}
		else {
			complete(future, result);
		}
	}

	@Override
	public void process(Command command) {
		if (this.failure != null) {
			command.reject("The master of '" + this.state.settings.name() + "' " + this.failure);
			return;
		}
		try {
			dispatch(command);
		}
		catch (UncheckedIOException ex) {
			// appended before applied: a write whose append failed was not applied
			diskFailed(ex);
			command.reject("The master of '" + this.state.settings.name() + "' " + this.failure + "; not applied");
		}
	}

	private void dispatch(Command command) {
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
			this.waitedLongEnough = true;
			advanceHolding();
		}
		else if (command instanceof CheckHolding) {
			advanceHolding();
		}
		else if (command instanceof Confirmed confirmed) {
			processConfirmed(confirmed.revision());
		}
		else if (command instanceof ExpireUnconfirmed expire) {
			expireUnconfirmed(expire.nowNanos());
		}
		else if (command instanceof Sync && this.store != null) {
			this.store.sync();
		}

	}

	private void processWrite(Write write) {
		if (write.origin() != null && write.origin().gone) {
			// nobody hears the answer: the worker sends it again on its next connection
			return;
		}
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
		long origin = (write.origin() != null) ? write.origin().nodeId : this.state.nodeId;
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
				emit(write.local(), new GlobalValException(message));
			}
			return;
		}
		if (earlier != null) {
			if (write.origin() != null) {
				deliver(write.origin(), FrameCodec.encode(new Message.Reply(seq, earlier)));
			}
			else {
				completeLocal(write, earlier);
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

	private void processIncrement(Write write, IncrementValue increment, long origin) {
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
			emit(write.local(), new GlobalValRejectedException(message));
		}
	}

	private void done(Write write, long origin, long seq, WriteOutcome outcome) {
		this.recent.record(origin, seq, outcome);
		if (write.origin() == null) {
			completeLocal(write, outcome);
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
	private long commit(String key, byte[] json, long origin, long seq, long originNanos, WorkerLink originLink,
			boolean ackOrigin) {
		long revision = this.replica.revision() + 1;
		byte[] frame = FrameCodec.encodeApplied(revision, this.epoch, key, json, origin, seq, originNanos);
		if (this.store != null) {
			// before it is applied: a change that cannot be stored is not applied (and the master steps down)
			this.store.append(frame);
		}
		this.state.applyChange(key, json, revision, this.epoch, origin, seq, originNanos, frame);
		for (WorkerLink link : this.subscribers) {
			deliver(link, (link == originLink && ackOrigin) ? FrameCodec.encodeAck(revision, seq) : frame);
		}
		return revision;
	}

	private void processJoin(Join join) {
		if (this.holding) {
			this.candidates.put(join.link(), join.hello());
			this.awaitedMembers.remove(join.hello().pid());
			advanceHolding();
			return;
		}
		welcome(join.link(), join.hello());
	}

	/**
	 * Welcome a worker from the last revision its log shares with the master's: the
	 * changes after it, or a snapshot when the log no longer reaches back or the worker's
	 * log goes on past it (the worker then reports its changes after it as discarded).
	 */
	private void welcome(WorkerLink link, Message.Hello hello) {
		long revision = this.replica.revision();
		boolean ready = hello.epoch() != 0;
		long kept = ready ? this.state.history.commonRevision(revision, hello.history(), hello.lastRevision())
				: hello.lastRevision();
		List<byte[]> catchUp = (ready && kept == hello.lastRevision()) ? this.state.log.after(kept, revision) : null;
		deliver(link, FrameCodec.encode(
				new Message.Welcome(this.epoch, this.state.nodeId, revision, catchUp == null, kept)));
		if (catchUp != null) {
			catchUp.forEach((frame) -> deliver(link, frame));
			logger.debug("{} joined at revision {}; sent {} changes", link, hello.lastRevision(), catchUp.size());
		}
		else {
			this.state.snapshotFrames(0).forEach((frame) -> deliver(link, frame));
			if (ready && kept < hello.lastRevision()) {
				logger.warn("{} has revisions {} to {} that the group's history does not keep; it gets a snapshot "
						+ "at revision {}", link, kept + 1, hello.lastRevision(), revision);
			}
			else {
				logger.debug("{} joined; sent a snapshot of {} keys at revision {}", link, this.replica.size(), revision);
			}
		}
		this.subscribers.add(link);
	}

	/**
	 * Go on with a takeover: wait while a member of the last group is alive and has not
	 * said HELLO (until {@code failover.max-wait}), then fetch the most up to date log
	 * among the members' and the master's, then welcome everyone and take writes.
	 */
	private void advanceHolding() {
		if (!this.holding) {
			return;
		}
		if (this.fetchingFrom != null) {
			if (!this.waitedLongEnough) {
				return;
			}
			logger.warn("{} did not finish sending its log within globalval.failover.max-wait; going on without it",
					this.fetchingFrom);
			endFetch();
		}
		this.awaitedMembers.removeIf((pid) -> !this.state.runtime.isAlive(pid));
		if (!this.awaitedMembers.isEmpty() && !this.waitedLongEnough) {
			return;
		}
		if (!this.awaitedMembers.isEmpty()) {
			logger.warn("Master of '{}' (epoch {}) stops waiting for processes {} of the last group after "
					+ "globalval.failover.max-wait; changes only they have will be reported as discarded when they return",
					this.state.settings.name(), this.epoch, this.awaitedMembers);
			this.awaitedMembers.clear();
		}
		WorkerLink best = null;
		Message.Hello bestHello = null;
		long head = this.replica.revision();
		for (Map.Entry<WorkerLink, Message.Hello> candidate : this.candidates.entrySet()) {
			Message.Hello hello = candidate.getValue();
			if (hello.epoch() == 0 || this.askedMembers.contains(candidate.getKey())) {
				continue;
			}
			boolean ahead = (bestHello != null)
					? hello.history().isAheadOf(hello.lastRevision(), bestHello.history(), bestHello.lastRevision())
					: hello.history().isAheadOf(hello.lastRevision(), this.state.history, head);
			if (ahead) {
				best = candidate.getKey();
				bestHello = hello;
			}
		}
		if (best != null && !this.waitedLongEnough) {
			fetchFrom(best, bestHello);
			return;
		}
		endHolding();
	}

	private void fetchFrom(WorkerLink link, Message.Hello hello) {
		long head = this.replica.revision();
		this.fetchingFrom = link;
		this.fetchKept = this.state.history.commonRevision(head, hello.history(), hello.lastRevision());
		boolean wholeSnapshot = this.fetchKept < head;
		link.adopting = true;
		deliver(link, FrameCodec.encode(new Message.Fetch(this.fetchKept, wholeSnapshot)));
		logger.info("{} has the most up to date log (to revision {}, epoch {}; this master's: {}, epoch {}); "
				+ "fetching {} after revision {}", link, hello.lastRevision(), hello.history().lastEpoch(), head,
				this.state.history.lastEpoch(), wholeSnapshot ? "a snapshot" : "its changes", this.fetchKept);
	}

	/** The member fetched from answered, failed to in time, or left: it is not asked again. */
	private void endFetch() {
		this.askedMembers.add(this.fetchingFrom);
		this.fetchingFrom.adopting = false;
		this.fetchingFrom = null;
		this.adoptedSnapshot = null;
	}

	private void processAdopt(Adopt adopt) {
		if (!this.holding || adopt.link() != this.fetchingFrom) {
			// late: the master no longer takes another log
			return;
		}
		if (adopt.changes() instanceof Applied applied) {
			if (applied.revision() <= this.replica.revision()) {
				// sent after a snapshot: only the outcome is new to this master
				rememberAdopted(applied);
				return;
			}
			if (applied.revision() != this.replica.revision() + 1) {
				return;
			}
			byte[] frame = FrameCodec.encode(applied);
			if (this.store != null) {
				this.store.append(frame);
			}
			this.state.applyChange(applied.key(), applied.value(), applied.revision(), applied.epoch(), applied.origin(),
					applied.seq(), applied.originNanos(), frame);
			rememberAdopted(applied);
		}
		else if (adopt.changes() instanceof Message.Snapshot snapshot) {
			if (this.adoptedSnapshot == null) {
				this.adoptedSnapshot = new ConcurrentHashMap<>();
			}
			snapshot.entries()
				.forEach((entry) -> this.adoptedSnapshot.put(entry.key(), Replica.newEntry(entry.value(), entry.revision())));
			if (snapshot.last()) {
				this.state.discardAfter(this.fetchKept, "a member's log is more up to date than this master's");
				this.state.applySnapshot(this.adoptedSnapshot, snapshot.revision(), snapshot.history(),
						snapshot.appliedSequences());
				this.recent.markProcessed(snapshot.appliedSequences());
				this.adoptedSnapshot = null;
				if (this.store != null) {
					this.store.compact(this.state);
				}
				logger.info("Adopted a snapshot at revision {} from {}", snapshot.revision(), adopt.link());
			}
		}
		else if (adopt.changes() instanceof Message.Confirm) {
			// the end of the member's answer
			logger.info("Adopted {}'s log up to revision {}", adopt.link(), this.replica.revision());
			endFetch();
			advanceHolding();
		}
	}

	private long numberOrZero(byte[] json) {
		Long number = this.codec.asLong(json);
		return (number != null) ? number : 0;
	}

	private void endHolding() {
		this.holding = false;
		logger.info("Master of '{}' (epoch {}) takes writes from revision {}; {} members welcomed, {} writes were waiting",
				this.state.settings.name(), this.epoch, this.replica.revision(), this.candidates.size(), this.held.size());
		this.candidates.forEach(this::welcome);
		this.candidates.clear();
		this.askedMembers.clear();
		this.group.membersSettled();
		List<Write> waiting = new ArrayList<>(this.held);
		this.held.clear();
		waiting.forEach(this::processWrite);
	}

	// the master's own writes: acknowledged once another process has them

	private void completeLocal(Write write, WriteOutcome outcome) {
		Object result = write.request().result(outcome);
		CompletableFuture<Object> future = write.local();
		if (!outcome.success() || outcome.revision() <= this.confirmedRevision || this.deferring || isAlone()) {
			emit(future, result);
			return;
		}
		long deadline = this.state.runtime.nanoTime() + this.state.settings.writeTimeout().toNanos();
		this.unconfirmed.add(new Unconfirmed(outcome.revision(), deadline, future, result, write.request()));
	}

	/**
	 * Whether no other process can confirm the master's writes: no worker is connected and
	 * no member whose connection broke is alive (one that is may come back with them).
	 */
	private boolean isAlone() {
		return this.subscribers.isEmpty() && !this.group.othersAlive();
	}

	private void processConfirmed(long revision) {
		this.confirmedRevision = Math.max(this.confirmedRevision, revision);
		while (!this.unconfirmed.isEmpty() && this.unconfirmed.peekFirst().revision() <= this.confirmedRevision) {
			Unconfirmed done = this.unconfirmed.pollFirst();
			done.future().complete(done.result());
		}
	}

	private void confirmAll() {
		while (!this.unconfirmed.isEmpty()) {
			Unconfirmed done = this.unconfirmed.pollFirst();
			done.future().complete(done.result());
		}
	}

	private void expireUnconfirmed(long nowNanos) {
		if (!this.unconfirmed.isEmpty() && isAlone()) {
			// the members that could have confirmed them are gone
			confirmAll();
		}
		while (!this.unconfirmed.isEmpty() && this.unconfirmed.peekFirst().deadline() - nowNanos < 0) {
			Unconfirmed late = this.unconfirmed.pollFirst();
			late.future().completeExceptionally(new GlobalValTimeoutException(("%s was applied by the master of '%s' "
					+ "(revision %d) but no worker confirmed it within globalval.write-timeout (%s); it is lost if the "
					+ "master dies before a worker has it").formatted(late.request().describe(),
							this.state.settings.name(), late.revision(), this.state.settings.writeTimeout())));
		}
	}

	private void processResync(Resync resync) {
		WorkerLink link = resync.link();
		this.state.metrics.resyncs.increment();
		List<byte[]> catchUp = this.state.log.after(resync.lastRevision(), this.replica.revision());
		List<byte[]> frames = (catchUp != null) ? catchUp : this.state.snapshotFrames(0);
		frames.forEach((frame) -> deliver(link, frame));
		logger.info("{} asked for a resync after revision {}; sent {}", link, resync.lastRevision(),
				(catchUp != null) ? catchUp.size() + " changes" : "a snapshot");
	}

	private void processLeave(WorkerLink link) {
		this.subscribers.remove(link);
		Message.Hello candidate = this.candidates.remove(link);
		if (candidate != null && this.state.runtime.isAlive(candidate.pid()) && !this.waitedLongEnough) {
			// it may come back: wait for it as for any member
			this.awaitedMembers.add(candidate.pid());
		}
		if (link == this.fetchingFrom) {
			endFetch();
		}
		if (this.holding) {
			advanceHolding();
		}
		if (isAlone()) {
			// no other process to confirm the master's writes
			confirmAll();
		}
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
		List<byte[]> frames = this.state.snapshotFrames(id);
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
			emit(request.local(), null);
		}
	}

	/** What the master tells its sequencer of the group beyond the connected workers. */
	interface Group {

		/** The members of the last group were waited for and the new group is welcomed. */
		void membersSettled();

		/**
		 * The disk failed: this sequencer takes no more commands; the master must step down.
		 * Called on the sequencer's thread.
		 * @param cause the failure
		 */
		void diskFailed(Exception cause);

		/**
		 * Return whether a member whose connection broke (or that has not connected yet) is alive.
		 * @return whether another process may still confirm the master's writes
		 */
		boolean othersAlive();

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

	/** {@code failover.max-wait} has passed: stop waiting for absent members. */
	record EndHolding() implements Command {
	}

	/** See whether the members a new master waits for are all there (or dead). */
	record CheckHolding() implements Command {
	}

	/** A worker has applied every change up to a revision. */
	record Confirmed(long revision) implements Command {
	}

	/** Fail the master's own writes no worker confirmed within the write timeout. */
	record ExpireUnconfirmed(long nowNanos) implements Command {
	}

	private record Unconfirmed(long revision, long deadline, CompletableFuture<Object> future, Object result,
			WriteCommand request) {
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
