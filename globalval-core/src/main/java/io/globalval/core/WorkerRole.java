package io.globalval.core;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValConnectionException;
import io.globalval.GlobalValException;
import io.globalval.GlobalValRejectedException;
import io.globalval.GlobalValTimeoutException;
import io.globalval.Role;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.ErrorCode;
import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.protocol.ProtocolException;
import io.globalval.protocol.WriteCommand;

/**
 * The worker role: keeps the replica following the master and sends writes there. Its
 * transport calls it as a {@link WorkerHandler} from one reader thread, which is also
 * the thread that applies changes, strictly in revision order: a change that does not
 * follow the last applied revision is not applied, and the worker asks the master for
 * what it missed.
 * <p>
 * Writes wait in its {@link PendingWrites} until the master answers or the write timeout
 * passes. When the connection breaks they are kept and sent again on the next
 * connection (to the same master or to the one that took over); the master recognises
 * a write it has seen by its origin and sequence number and answers it with its first
 * outcome, so a write is applied once.
 * <p>
 * Over 350 lines because the worker's whole side of the protocol (welcome, ordered
 * apply, acks, gaps and resyncs, chunked snapshots, the changes a new master fetches,
 * refusals) and the resending of its writes across connections share one connection
 * state; the tracking of unanswered writes is {@link PendingWrites}.
 */
final class WorkerRole implements RoleEngine, WorkerHandler {

	private static final Logger logger = LoggerFactory.getLogger(WorkerRole.class);

	private final NodeState state;

	private final DefaultGlobalValNode owner;

	private final CompletableFuture<Void> ready;

	private final PendingWrites pending = new PendingWrites();

	/** Guards {@link #master}, {@link #welcomed}, {@link #unsent}, {@link #retired} and {@link PendingWrite#sent}. */
	private final Object sendLock = new Object();

	private final ArrayDeque<PendingWrite> unsent = new ArrayDeque<>();

	/**
	 * Writes this worker has sent and not had answered, at most: half the outcomes the
	 * master keeps per process, so that every write sent again after a reconnect is one
	 * whose outcome the master still knows. Later writes wait in {@link #unsent} and leave
	 * as answers come (back-pressure, not failure).
	 */
	static final int MAX_IN_FLIGHT = RecentWrites.PER_ORIGIN / 2;

	/** Whether writes wait in {@link #unsent} for answers to make room; read without the lock. */
	private volatile boolean backlogged;

	private final EngineRuntime.Cancellable timer;

	private Peer master;

	private boolean welcomed;

	private boolean retired;

	private volatile boolean connected;

	private volatile boolean closed;

	private volatile GlobalValException refusal;

	private volatile AutoCloseable transport;

	/** The thread that reads the master's answers (the transport's, told at each connection). */
	private volatile Thread readerThread;

	// reader thread only

	private ConcurrentHashMap<String, ReplicaEntry> staging;

	private boolean resyncRequested;

	/** The node id of the master that welcomed this worker. */
	private long masterNodeId;

	/** Whether this batch applied something the master waits to have confirmed. */
	private boolean confirmDue;

	WorkerRole(NodeState state, DefaultGlobalValNode owner, CompletableFuture<Void> ready) {
		this.state = state;
		this.owner = owner;
		this.ready = ready;
		this.timer = state.every("timeouts", this::expireWrites, state.writeSweepPeriod());
		state.metrics.trackPendingWrites(this.pending::size);
	}

	void attachTransport(AutoCloseable transport) {
		this.transport = transport;
	}

	@Override
	public Role role() {
		return Role.WORKER;
	}

	@Override
	public NodeMetrics metrics() {
		return this.state.metrics;
	}

	@Override
	public boolean isConnected() {
		return this.connected;
	}

	@Override
	public List<WorkerStatus> workers() {
		return List.of();
	}

	// writes

	@Override
	public boolean awaitRoomForWrite(long timeoutNanos) throws InterruptedException {
		int limit = this.state.settings.maxPendingWrites();
		// the reader thread's answers make the room (a write chained to a future runs there): it never waits
		if (this.pending.size() < limit || Thread.currentThread() == this.readerThread) {
			return true;
		}
		this.state.metrics.writesWaited.increment();
		return this.pending.awaitRoom(limit, timeoutNanos);
	}

	/**
	 * Make a write that takes its sequence number under the send lock, where its place
	 * among this process's writes to the master is decided: so a worker's writes reach the
	 * master in the order of their numbers, even from many threads. A master that took
	 * over knows the highest number its predecessor applied from each process, and
	 * answers a number at or below it, that it has no outcome of, as processed before.
	 * @param factory builds the write
	 * @param now the runtime's time
	 * @return its result once applied here
	 */
	@Override
	public CompletableFuture<Object> write(WriteFactory factory, long now) {
		long deadline = now + this.state.settings.writeTimeout().toNanos();
		PendingWrite write;
		boolean refused;
		boolean forward = false;
		synchronized (this.sendLock) {
			WriteCommand command = this.state.number(factory, now, true);
			write = new PendingWrite(command, deadline);
			refused = this.refusal != null || this.closed;
			if (!refused) {
				forward = registerAndSend(write);
			}
		}
		return afterSubmit(write, refused, forward);
	}

	/**
	 * Track a write and send it, or queue it behind the writes waiting for room or a
	 * connection; the caller holds the send lock.
	 * @return whether this worker has retired, so that the write goes to the node's master instead
	 */
	private boolean registerAndSend(PendingWrite write) {
		if (this.retired) {
			return true;
		}
		this.pending.register(write);
		if (this.welcomed && this.unsent.isEmpty() && inFlight() <= MAX_IN_FLIGHT) {
			markSent(write);
			this.master.send(FrameCodec.encode(write.command));
		}
		else {
			this.unsent.add(write);
			this.backlogged = this.welcomed;
		}
		return false;
	}

	/** Fail a refused write, or hand a write over to the node's master, outside the send lock. */
	private CompletableFuture<Object> afterSubmit(PendingWrite write, boolean refused, boolean forward) {
		if (refused) {
			GlobalValException refusal = this.refusal;
			write.future.completeExceptionally((refusal != null) ? refusal
					: new GlobalValConnectionException("The globalval node of '" + this.state.settings.name()
							+ "' is closed; " + write.describe() + " was not sent"));
			return write.future;
		}
		if (forward) {
			this.owner.resubmit(write);
		}
		this.state.metrics.writesSent.increment();
		return write.future;
	}

	private void expireWrites() {
		for (PendingWrite write : this.pending.expire(this.state.runtime.nanoTime())) {
			boolean sent;
			synchronized (this.sendLock) {
				sent = write.sent;
				if (!sent) {
					this.unsent.remove(write);
				}
			}
			String name = this.state.settings.name();
			Object timeout = this.state.settings.writeTimeout();
			if (!sent && !write.everSent) {
				this.pending.remove(write);
				write.future.completeExceptionally(new GlobalValTimeoutException(("%s was not sent: no connection to "
						+ "the master of '%s' (or no room among the writes in flight) within globalval.write-timeout (%s)")
					.formatted(write.describe(), name, timeout)));
			}
			else if (!sent) {
				// sent on an earlier connection: the old master may have applied it
				this.pending.remove(write);
				write.future.completeExceptionally(new GlobalValTimeoutException(("No answer to %s, sent to the master "
						+ "of '%s' before its connection broke, within globalval.write-timeout (%s); it may still be applied")
					.formatted(write.describe(), name, timeout)));
			}
			else {
				// kept until answered: an ack carries no value, so the entry holds it
				write.future.completeExceptionally(new GlobalValTimeoutException(
						"No answer from the master of '%s' to %s within globalval.write-timeout (%s); it may still be applied"
							.formatted(name, write.describe(), timeout)));
			}
		}
	}

	// WorkerHandler: called on the transport's reader thread

	@Override
	public Message.Hello hello() {
		boolean ready = this.state.replica.isReady();
		return new Message.Hello(Frame.PROTOCOL_VERSION, this.state.settings.name(), this.state.replica.revision(),
				ready ? this.state.epoch : 0, this.state.nodeId, this.state.settings.nodeName(), this.state.runtime.pid(),
				ready ? this.state.history : EpochHistory.EMPTY);
	}

	@Override
	public void connected(Peer master) {
		this.readerThread = Thread.currentThread();
		synchronized (this.sendLock) {
			this.master = master;
		}
	}

	/** Send the waiting writes there is room for, in order; the caller holds the send lock. */
	private void sendWaiting() {
		int room = MAX_IN_FLIGHT - inFlight();
		while (room > 0 && !this.unsent.isEmpty()) {
			PendingWrite write = this.unsent.poll();
			markSent(write);
			this.master.append(FrameCodec.encode(write.command));
			room--;
		}
		this.master.flush();
		this.backlogged = !this.unsent.isEmpty();
	}

	/** Writes sent and not answered; the caller holds the send lock. */
	private int inFlight() {
		return this.pending.size() - this.unsent.size();
	}

	private static void markSent(PendingWrite write) {
		write.sent = true;
		write.everSent = true;
	}

	@Override
	public void endOfBatch() {
		this.state.releaseEvents();
		if (this.confirmDue) {
			this.confirmDue = false;
			send(FrameCodec.encode(new Message.Confirm(this.state.replica.revision())));
		}
	}

	@Override
	public void received(Message message, ByteBuffer frame) {
		if (frame == null || !(message instanceof Message.Applied applied)) {
			received(message);
			return;
		}
		this.state.receiving(applied, frame);
		try {
			received(message);
		}
		finally {
			this.state.receiving(null, null);
		}
	}

	@Override
	public void received(Message message) {
		// the events of a burst of changes go to the event thread together, at its end
		if (message instanceof Message.Applied || message instanceof Message.Ack) {
			this.state.holdEvents();
		}
		else {
			this.state.releaseEvents();
		}
		dispatch(message);
		if (this.backlogged) {
			synchronized (this.sendLock) {
				if (this.welcomed) {
					sendWaiting();
				}
			}
		}
	}

	private void dispatch(Message message) {
		if (message instanceof Message.Applied applied) {
			onApplied(applied);
		}
		else if (message instanceof Message.Ack ack) {
			onAck(ack);
		}
		else if (message instanceof Message.Reply reply) {
			this.pending.complete(reply.seq(), reply.outcome());
		}
		else if (message instanceof Message.Snapshot snapshot) {
			onSnapshot(snapshot);
		}
		else if (message instanceof Message.Welcome welcome) {
			onWelcome(welcome);
		}
		else if (message instanceof Message.Ping ping) {
			send(FrameCodec.encode(new Message.Pong(ping.nanos(), this.state.replica.revision())));
		}
		else if (message instanceof Message.Fetch fetch) {
			onFetch(fetch);
		}
		else if (message instanceof Message.Failure error) {
			onError(error);
		}
		else {
			throw new ProtocolException("The master sent " + message.type() + ", which only a worker sends");
		}
	}

	private void onWelcome(Message.Welcome welcome) {
		if (welcome.epoch() < this.state.epoch) {
			throw new ProtocolException("A master of an older epoch (" + welcome.epoch() + " < " + this.state.epoch
					+ ") answered; it must step down");
		}
		if (this.state.epoch != 0 && welcome.epoch() != this.state.epoch) {
			logger.info("Master of '{}' has a new epoch {} (was {})", this.state.settings.name(), welcome.epoch(),
					this.state.epoch);
		}
		if (welcome.keptRevision() < this.state.replica.revision() && this.state.replica.isReady()) {
			this.state.discardAfter(welcome.keptRevision(), "the master of epoch " + welcome.epoch()
					+ " did not adopt them: this process was out of reach past globalval.failover.max-wait");
		}
		this.state.epoch = welcome.epoch();
		this.masterNodeId = welcome.masterNodeId();
		this.resyncRequested = false;
		this.staging = null;
		this.connected = true;
		this.state.connectionChanged(true);
		if (welcome.snapshotFollows()) {
			this.state.metrics.resyncs.increment();
		}
		synchronized (this.sendLock) {
			this.welcomed = true;
			sendWaiting();
		}
		logger.debug("Welcomed by the master of '{}' at its revision {}", this.state.settings.name(), welcome.revision());
	}

	private void onApplied(Message.Applied applied) {
		if (!canApply(applied.revision())) {
			return;
		}
		this.state.applyChange(applied);
		if (applied.origin() == this.masterNodeId) {
			this.confirmDue = true;
		}
		if (applied.origin() == this.state.nodeId) {
			PendingWrite write = this.pending.remove(applied.seq());
			if (write != null) {
				write.applied(applied.revision(), applied.value());
			}
		}
	}

	private void onAck(Message.Ack ack) {
		PendingWrite write = this.pending.find(ack.seq());
		if (write == null) {
			// without the pending write this worker does not know the value: fetch it
			requestResync("an ack for unknown write " + ack.seq());
			return;
		}
		if (!canApply(ack.revision())) {
			if (ack.revision() <= this.state.replica.revision()) {
				// a snapshot already brought the change: the write is applied here
				this.pending.remove(ack.seq());
				write.applied(ack.revision(), write.command.newValue());
			}
			else {
				// a gap: the resync's changes or snapshot will bring it
				write.ackedRevision = ack.revision();
			}
			return;
		}
		this.pending.remove(ack.seq());
		byte[] value = write.command.newValue();
		// an ack answers a write the welcoming master sequenced itself, in its own epoch
		this.state.applyChange(write.command.key(), value, ack.revision(), this.state.epoch, this.state.nodeId, write.seq,
				write.command.originNanos(), null);
		write.applied(ack.revision(), value);
	}

	/** Whether a change of this revision is the next one; asks for a resync on a gap. */
	private boolean canApply(long revision) {
		long current = this.state.replica.revision();
		if (revision == current + 1 && this.staging == null) {
			this.resyncRequested = false;
			return true;
		}
		if (revision > current + 1) {
			requestResync("revision " + revision + " after " + current);
		}
		return false;
	}

	private void requestResync(String why) {
		if (!this.resyncRequested) {
			this.resyncRequested = true;
			this.state.metrics.resyncs.increment();
			logger.warn("Worker of '{}' saw {}; asking the master to resync from revision {}",
					this.state.settings.name(), why, this.state.replica.revision());
			send(FrameCodec.encode(new Message.Resync(this.state.replica.revision())));
		}
	}

	private void onSnapshot(Message.Snapshot snapshot) {
		if (this.staging == null) {
			this.staging = new ConcurrentHashMap<>(Math.max(16, snapshot.entries().size() * 2));
		}
		for (Message.Entry entry : snapshot.entries()) {
			this.staging.put(entry.key(), Replica.newEntry(entry.value(), entry.revision()));
		}
		if (!snapshot.last()) {
			return;
		}
		ConcurrentHashMap<String, ReplicaEntry> complete = this.staging;
		this.staging = null;
		boolean first = !this.state.replica.isReady();
		this.state.applySnapshot(complete, snapshot.revision(), snapshot.history(), snapshot.appliedSequences());
		this.resyncRequested = false;
		this.confirmDue = true;
		completeAckedWrites(snapshot.revision());
		if (snapshot.broadcastId() != 0) {
			send(FrameCodec.encode(new Message.BroadcastAck(snapshot.broadcastId())));
		}
		if (first) {
			logger.info("Worker of '{}' is ready: {} keys at revision {}", this.state.settings.name(), complete.size(),
					snapshot.revision());
		}
		this.ready.complete(null);
	}

	/**
	 * Complete this worker's writes whose acks came during a gap and that a snapshot has
	 * now brought (when the master's change log no longer reached back, the resync is
	 * answered with a snapshot, not with the changes, and no other answer will come).
	 */
	private void completeAckedWrites(long revision) {
		for (PendingWrite write : this.pending.unanswered()) {
			if (write.ackedRevision != 0 && write.ackedRevision <= revision) {
				this.pending.remove(write.seq);
				write.applied(write.ackedRevision, write.command.newValue());
			}
		}
	}

	/**
	 * A new master found this worker's log the most up to date: send it the changes after
	 * the revision their logs share, or a snapshot followed by every change still in the
	 * log (whose outcomes the master keeps, so that their origins' retries are not applied
	 * twice), then a confirmation that ends the answer.
	 */
	private void onFetch(Message.Fetch fetch) {
		long revision = this.state.replica.revision();
		List<byte[]> changes = fetch.wholeSnapshot() ? null : this.state.log.after(fetch.afterRevision(), revision);
		List<byte[]> frames = (changes != null) ? changes : new ArrayList<>(this.state.snapshotFrames(0));
		if (changes == null) {
			frames.addAll(this.state.log.all());
		}
		frames.forEach(this::send);
		send(FrameCodec.encode(new Message.Confirm(revision)));
		logger.info("Sent the new master of '{}' {} after revision {}", this.state.settings.name(),
				(changes != null) ? changes.size() + " changes" : "a snapshot at revision " + revision,
				fetch.afterRevision());
	}

	private void onError(Message.Failure error) {
		if (error.seq() != 0) {
			// only a write whose outcome the master forgot may have been applied; every other error means it was not
			this.pending.fail(error.seq(), (error.code() == ErrorCode.OUTCOME_UNKNOWN)
					? new GlobalValException(error.message()) : new GlobalValRejectedException(error.message()));
			return;
		}
		GlobalValException refused = new GlobalValConnectionException(
				"The master refused this worker: " + error.message());
		if (error.code() == ErrorCode.PROTOCOL_MISMATCH || error.code() == ErrorCode.APPLICATION_MISMATCH
				|| error.code() == ErrorCode.UNAUTHORIZED) {
			logger.error(refused.getMessage());
			this.refusal = refused;
			this.ready.completeExceptionally(refused);
			failAll(refused);
		}
		else {
			logger.warn(refused.getMessage());
		}
	}

	private void send(byte[] frame) {
		synchronized (this.sendLock) {
			if (this.master != null) {
				this.master.send(frame);
			}
		}
	}

	@Override
	public void disconnected(String reason) {
		this.state.releaseEvents();
		this.connected = false;
		this.state.connectionChanged(false);
		this.staging = null;
		synchronized (this.sendLock) {
			this.master = null;
			this.welcomed = false;
			// every write not yet answered goes again, in order, on the next connection
			List<PendingWrite> again = new ArrayList<>();
			for (PendingWrite write : this.pending.unanswered()) {
				if (write.sent) {
					write.sent = false;
					again.add(write);
				}
			}
			again.addAll(this.unsent);
			again.sort(Comparator.comparingLong((PendingWrite write) -> write.seq));
			this.unsent.clear();
			this.unsent.addAll(again);
		}
		if (!this.closed) {
			logger.warn("Worker of '{}' lost its master: {}", this.state.settings.name(), reason);
		}
	}

	@Override
	public boolean keepConnecting() {
		return !this.closed && this.refusal == null && !isRetired();
	}

	@Override
	public boolean masterUnreachable() {
		return !this.closed && this.refusal == null && this.owner.tryTakeOver(this);
	}

	private boolean isRetired() {
		synchronized (this.sendLock) {
			return this.retired;
		}
	}

	/**
	 * Stop taking writes, and hand over every write not yet answered, in order: this
	 * node has become master.
	 * @return the writes
	 */
	List<PendingWrite> retire() {
		List<PendingWrite> handed;
		synchronized (this.sendLock) {
			this.retired = true;
			this.connected = false;
			handed = this.pending.handOver();
			this.unsent.clear();
		}
		this.timer.cancel();
		return handed;
	}

	private void failAll(GlobalValException cause) {
		synchronized (this.sendLock) {
			this.unsent.clear();
		}
		this.pending.failAll(cause);
	}

	/**
	 * Wait a moment for writes in flight to be answered, then fail the rest, close the
	 * connection and stop the role's threads.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		long waitMillis = Math.min(this.state.settings.writeTimeout().toMillis(), 2000);
		if (this.connected && !this.pending.awaitAll(Duration.ofMillis(waitMillis))) {
			logger.debug("Not every write was answered within {} ms before closing", waitMillis);
		}
		this.closed = true;
		failAll(new GlobalValConnectionException(
				"The globalval node of '" + this.state.settings.name() + "' was closed before the master answered"));
		try {
			if (this.transport != null) {
				this.transport.close();
			}
		}
		catch (Exception ex) {
			logger.debug("Failed to close the transport", ex);
		}
		this.timer.cancel();
	}

}
