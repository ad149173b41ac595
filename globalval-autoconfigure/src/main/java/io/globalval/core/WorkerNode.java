package io.globalval.core;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValConnectionException;
import io.globalval.GlobalValException;
import io.globalval.GlobalValRejectedException;
import io.globalval.GlobalValTimeoutException;
import io.globalval.Role;
import io.globalval.protocol.ErrorCode;
import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.FrameType;
import io.globalval.protocol.Message;
import io.globalval.protocol.ProtocolException;

/**
 * A worker: keeps a replica that follows the master and sends its writes there. Its
 * transport calls it as a {@link WorkerHandler} from one reader thread, which is also the
 * thread that applies changes, strictly in revision order: a change that does not follow
 * the last applied revision is not applied, and the worker asks the master for what it
 * missed. Writes wait in {@link PendingWrite}s until the master answers, the write
 * timeout passes, or the connection is lost.
 */
public final class WorkerNode extends AbstractNode implements WorkerHandler {

	private static final Logger logger = LoggerFactory.getLogger(WorkerNode.class);

	private final Map<Long, PendingWrite> pending = new ConcurrentHashMap<>();

	/**
	 * The pending writes in submission order, which is deadline order (every deadline is
	 * its submission time plus the same timeout), so that a sweep stops at the first write
	 * that has not expired instead of visiting every pending write. Answered writes leave
	 * it lazily, when a sweep reaches them.
	 */
	private final ConcurrentLinkedQueue<PendingWrite> byDeadline = new ConcurrentLinkedQueue<>();

	/** Guards {@link #master}, {@link #welcomed}, {@link #unsent} and {@link PendingWrite#sent}. */
	private final Object sendLock = new Object();

	private final ArrayDeque<PendingWrite> unsent = new ArrayDeque<>();

	private final CompletableFuture<Void> ready = new CompletableFuture<>();

	private final ScheduledExecutorService timer;

	private Peer master;

	private boolean welcomed;

	private volatile int nodeId = -1;

	private volatile boolean connected;

	private volatile boolean closed;

	private volatile GlobalValException refusal;

	private volatile AutoCloseable transport;

	// reader thread only

	private long epoch;

	private ConcurrentHashMap<String, ReplicaEntry> staging;

	private boolean resyncRequested;

	/**
	 * Create a worker; it does nothing until a transport connects it.
	 * @param settings the settings
	 * @param codec the value codec
	 */
	public WorkerNode(NodeSettings settings, ValueCodec codec) {
		super(settings, codec);
		this.timer = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "globalval-timeouts-" + settings.name());
			thread.setDaemon(true);
			return thread;
		});
		long sweepMillis = Math.max(10, Math.min(100, settings.writeTimeout().toMillis() / 10));
		this.timer.scheduleAtFixedRate(this::expireWrites, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
		roleDecided(Role.WORKER);
	}

	/**
	 * Attach the transport that connects this worker, closed with it.
	 * @param transport the transport
	 */
	public void attachTransport(AutoCloseable transport) {
		this.transport = transport;
	}

	@Override
	public Role role() {
		return Role.WORKER;
	}

	@Override
	public int nodeId() {
		return this.nodeId;
	}

	@Override
	public CompletableFuture<Void> ready() {
		return this.ready;
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
	public CompletableFuture<Long> set(String key, byte[] json) {
		long seq = this.sequence.incrementAndGet();
		long now = System.nanoTime();
		return submit(new PendingWrite(seq, FrameType.SET, key, json,
				FrameCodec.encode(new Message.Set(seq, key, json, now)), now, deadline(now)));
	}

	@Override
	public CompletableFuture<Boolean> delete(String key) {
		long seq = this.sequence.incrementAndGet();
		long now = System.nanoTime();
		return submit(new PendingWrite(seq, FrameType.DELETE, key, null,
				FrameCodec.encode(new Message.Delete(seq, key, now)), now, deadline(now)));
	}

	@Override
	public CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update) {
		long seq = this.sequence.incrementAndGet();
		long now = System.nanoTime();
		return submit(new PendingWrite(seq, FrameType.COMPARE_AND_SET, key, update,
				FrameCodec.encode(new Message.CompareAndSet(seq, key, expected, update, now)), now, deadline(now)));
	}

	@Override
	public CompletableFuture<Long> increment(String key, long delta) {
		long seq = this.sequence.incrementAndGet();
		long now = System.nanoTime();
		return submit(new PendingWrite(seq, FrameType.INCREMENT, key, null,
				FrameCodec.encode(new Message.Increment(seq, key, delta, now)), now, deadline(now)));
	}

	@Override
	public CompletableFuture<Void> broadcast() {
		long seq = this.sequence.incrementAndGet();
		long now = System.nanoTime();
		return submit(new PendingWrite(seq, FrameType.BROADCAST, null, null,
				FrameCodec.encode(new Message.Broadcast(seq)), now, deadline(now)));
	}

	private long deadline(long now) {
		return now + this.settings.writeTimeout().toNanos();
	}

	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<T> submit(PendingWrite write) {
		GlobalValException refused = this.refusal;
		if (refused != null || this.closed) {
			write.future.completeExceptionally((refused != null) ? refused
					: new GlobalValConnectionException("The globalval worker of '" + this.settings.name()
							+ "' is closed; " + write.describe() + " was not sent"));
		}
		else {
			this.pending.put(write.seq, write);
			this.byDeadline.add(write);
			synchronized (this.sendLock) {
				if (this.welcomed) {
					write.sent = true;
					this.master.send(write.frame);
				}
				else {
					this.unsent.add(write);
				}
			}
			this.metrics.writesSent.increment();
		}
		return (CompletableFuture<T>) (CompletableFuture<?>) write.future;
	}

	private void expireWrites() {
		long now = System.nanoTime();
		PendingWrite write;
		while ((write = this.byDeadline.peek()) != null) {
			if (!write.future.isDone() && now - write.deadlineNanos < 0) {
				// later writes expire later (up to the skew between concurrent submitters)
				return;
			}
			this.byDeadline.poll();
			if (write.future.isDone()) {
				continue;
			}
			boolean sent;
			synchronized (this.sendLock) {
				sent = write.sent;
				if (!sent) {
					this.unsent.remove(write);
				}
			}
			if (!sent) {
				this.pending.remove(write.seq);
				write.future.completeExceptionally(new GlobalValTimeoutException(("%s was not sent: no connection to "
						+ "the master of '%s' within globalval.write-timeout (%s)")
					.formatted(write.describe(), this.settings.name(), this.settings.writeTimeout())));
			}
			else {
				// kept until answered: an ack carries no value, so the entry holds it
				write.future.completeExceptionally(new GlobalValTimeoutException(("No answer from the master of '%s' "
						+ "to %s within globalval.write-timeout (%s); it may still be applied")
					.formatted(this.settings.name(), write.describe(), this.settings.writeTimeout())));
			}
		}
	}

	// WorkerHandler: called on the transport's reader thread

	@Override
	public Message.Hello hello() {
		return new Message.Hello(Frame.PROTOCOL_VERSION, this.settings.name(), this.replica.revision(), this.epoch,
				Math.max(0, this.nodeId), this.settings.nodeName(), ProcessHandle.current().pid());
	}

	@Override
	public void connected(Peer master) {
		synchronized (this.sendLock) {
			this.master = master;
		}
	}

	@Override
	public void received(Message message) {
		if (message instanceof Message.Applied applied) {
			onApplied(applied);
		}
		else if (message instanceof Message.Ack ack) {
			onAck(ack);
		}
		else if (message instanceof Message.Reply reply) {
			PendingWrite write = this.pending.remove(reply.seq());
			if (write != null) {
				write.replied(reply.success());
			}
		}
		else if (message instanceof Message.Snapshot snapshot) {
			onSnapshot(snapshot);
		}
		else if (message instanceof Message.Welcome welcome) {
			onWelcome(welcome);
		}
		else if (message instanceof Message.Ping ping) {
			send(FrameCodec.encode(new Message.Pong(ping.nanos(), this.replica.revision())));
		}
		else if (message instanceof Message.Error error) {
			onError(error);
		}
		else {
			throw new ProtocolException("The master sent " + message.type() + ", which only a worker sends");
		}
	}

	private void onWelcome(Message.Welcome welcome) {
		if (this.epoch != welcome.epoch() && this.epoch != 0) {
			logger.info("Master of '{}' has a new epoch {} (was {})", this.settings.name(), welcome.epoch(), this.epoch);
		}
		this.epoch = welcome.epoch();
		this.nodeId = welcome.nodeId();
		this.resyncRequested = false;
		this.staging = null;
		this.connected = true;
		if (welcome.snapshotFollows()) {
			this.metrics.resyncs.increment();
		}
		synchronized (this.sendLock) {
			this.welcomed = true;
			for (PendingWrite write : this.unsent) {
				write.sent = true;
				this.master.send(write.frame);
			}
			this.unsent.clear();
		}
		logger.debug("Welcomed by the master of '{}' as node {} at its revision {}", this.settings.name(),
				welcome.nodeId(), welcome.revision());
	}

	private void onApplied(Message.Applied applied) {
		if (!canApply(applied.revision())) {
			return;
		}
		applyChange(applied.key(), applied.value(), applied.revision(), applied.origin(), applied.originNanos());
		if (applied.origin() == this.nodeId) {
			PendingWrite write = this.pending.remove(applied.seq());
			if (write != null) {
				write.applied(applied.revision(), applied.value());
			}
		}
	}

	private void onAck(Message.Ack ack) {
		PendingWrite write = this.pending.get(ack.seq());
		if (write == null) {
			// without the pending write this worker does not know the value: fetch it
			requestResync("an ack for unknown write " + ack.seq());
			return;
		}
		if (!canApply(ack.revision())) {
			return;
		}
		this.pending.remove(ack.seq());
		applyChange(write.key, write.value, ack.revision(), this.nodeId, write.originNanos);
		write.applied(ack.revision(), write.value);
	}

	/** Whether a change of this revision is the next one; asks for a resync on a gap. */
	private boolean canApply(long revision) {
		long current = this.replica.revision();
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
			this.metrics.resyncs.increment();
			logger.warn("Worker of '{}' saw {}; asking the master to resync from revision {}", this.settings.name(), why,
					this.replica.revision());
			send(FrameCodec.encode(new Message.Resync(this.replica.revision())));
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
		boolean first = !this.replica.isReady();
		applySnapshot(complete, snapshot.revision(), !first);
		this.resyncRequested = false;
		if (snapshot.broadcastId() != 0) {
			send(FrameCodec.encode(new Message.BroadcastAck(snapshot.broadcastId())));
		}
		if (first) {
			logger.info("Worker of '{}' is ready: {} keys at revision {}", this.settings.name(), complete.size(),
					snapshot.revision());
		}
		this.ready.complete(null);
	}

	private void onError(Message.Error error) {
		if (error.seq() != 0) {
			PendingWrite write = this.pending.remove(error.seq());
			if (write != null) {
				write.future.completeExceptionally(new GlobalValRejectedException(error.message()));
			}
			return;
		}
		GlobalValException refused = new GlobalValConnectionException(
				"The master refused this worker: " + error.message());
		if (error.code() == ErrorCode.PROTOCOL_MISMATCH || error.code() == ErrorCode.APPLICATION_MISMATCH) {
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
		this.connected = false;
		this.staging = null;
		synchronized (this.sendLock) {
			this.master = null;
			this.welcomed = false;
		}
		Iterator<PendingWrite> it = this.pending.values().iterator();
		while (it.hasNext()) {
			PendingWrite write = it.next();
			boolean sent;
			synchronized (this.sendLock) {
				sent = write.sent;
			}
			if (sent) {
				it.remove();
				write.future.completeExceptionally(new GlobalValConnectionException(("The connection to the master "
						+ "of '%s' was lost before it answered %s; the write may or may not have been applied (%s)")
					.formatted(this.settings.name(), write.describe(), reason)));
			}
		}
		if (!this.closed) {
			logger.warn("Worker of '{}' lost its master: {}", this.settings.name(), reason);
		}
	}

	@Override
	public boolean keepConnecting() {
		return !this.closed && this.refusal == null;
	}

	private void failAll(GlobalValException cause) {
		synchronized (this.sendLock) {
			this.unsent.clear();
		}
		Iterator<PendingWrite> it = this.pending.values().iterator();
		while (it.hasNext()) {
			PendingWrite write = it.next();
			it.remove();
			write.future.completeExceptionally(cause);
		}
	}

	/**
	 * Wait a moment for writes in flight to be answered, then fail the rest, close the
	 * connection and stop the node's threads.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		long until = System.nanoTime() + Math.min(this.settings.writeTimeout().toNanos(), 2_000_000_000L);
		while (!this.pending.isEmpty() && this.connected && System.nanoTime() - until < 0) {
			Thread.onSpinWait();
			try {
				CompletableFuture.allOf(this.pending.values().stream().map((w) -> w.future).toArray(CompletableFuture[]::new))
					.get(10, TimeUnit.MILLISECONDS);
			}
			catch (Exception ex) {
				// waiting again until the deadline
			}
		}
		this.closed = true;
		failAll(new GlobalValConnectionException("The globalval worker of '" + this.settings.name() + "' was closed"));
		try {
			if (this.transport != null) {
				this.transport.close();
			}
		}
		catch (Exception ex) {
			logger.debug("Failed to close the transport", ex);
		}
		this.timer.shutdownNow();
		this.ready.completeExceptionally(new GlobalValConnectionException("Closed before it was ready"));
		closeEvents();
	}

}
