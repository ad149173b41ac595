package io.globalval.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.Role;
import io.globalval.protocol.ErrorCode;
import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;

/**
 * The master: holds the application's lock, sequences every change through its
 * {@link Sequencer}, and serves workers through a transport that calls it as a
 * {@link MasterHandler}. Requests are checked here, on the transport's reader threads,
 * before they reach the sequencer, so a bad request costs the sequencer nothing.
 */
public final class MasterNode extends AbstractNode implements MasterHandler {

	/** The node id of every master. */
	public static final int MASTER_NODE_ID = 0;

	private static final Logger logger = LoggerFactory.getLogger(MasterNode.class);

	private final Sequencer sequencer;

	private final Map<Peer, WorkerLink> links = new ConcurrentHashMap<>();

	private final AtomicInteger lastNodeId = new AtomicInteger();

	private final ScheduledExecutorService pinger;

	private final AutoCloseable lock;

	private final RequestLimits limits;

	private volatile AutoCloseable transport;

	private volatile boolean closed;

	/**
	 * Create a master and start its sequencer.
	 * @param settings the settings
	 * @param codec the value codec
	 * @param lock the held master lock, released on close
	 */
	public MasterNode(NodeSettings settings, ValueCodec codec, AutoCloseable lock) {
		super(settings, codec);
		this.lock = lock;
		this.limits = new RequestLimits(settings, codec);
		this.replica.markReady();
		this.sequencer = new Sequencer(this, System.currentTimeMillis());
		this.pinger = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "globalval-ping-" + settings.name());
			thread.setDaemon(true);
			return thread;
		});
		long interval = settings.pingInterval().toMillis();
		this.pinger.scheduleAtFixedRate(this::ping, interval, interval, TimeUnit.MILLISECONDS);
		roleDecided(Role.MASTER);
	}

	/**
	 * Attach the transport that serves workers, closed with this node.
	 * @param transport the transport
	 */
	public void attachTransport(AutoCloseable transport) {
		this.transport = transport;
	}

	@Override
	public Role role() {
		return Role.MASTER;
	}

	@Override
	public int nodeId() {
		return MASTER_NODE_ID;
	}

	/**
	 * Return the epoch of this master.
	 * @return the epoch
	 */
	public long epoch() {
		return this.sequencer.epoch();
	}

	@Override
	public CompletableFuture<Void> ready() {
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public boolean isConnected() {
		return true;
	}

	@Override
	public CompletableFuture<Long> set(String key, byte[] json) {
		return local(new Message.Set(this.sequence.incrementAndGet(), key, json, System.nanoTime()));
	}

	@Override
	public CompletableFuture<Boolean> delete(String key) {
		return local(new Message.Delete(this.sequence.incrementAndGet(), key, System.nanoTime()));
	}

	@Override
	public CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update) {
		return local(new Message.CompareAndSet(this.sequence.incrementAndGet(), key, expected, update,
				System.nanoTime()));
	}

	@Override
	public CompletableFuture<Long> increment(String key, long delta) {
		return local(new Message.Increment(this.sequence.incrementAndGet(), key, delta, System.nanoTime()));
	}

	@Override
	public CompletableFuture<Void> broadcast() {
		CompletableFuture<Object> future = new CompletableFuture<>();
		this.sequencer.broadcast(null, 0, future);
		return future.thenApply((ignored) -> null);
	}

	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<T> local(Message request) {
		CompletableFuture<Object> future = new CompletableFuture<>();
		this.metrics.writesSent.increment();
		this.sequencer.write(null, request, future);
		return (CompletableFuture<T>) (CompletableFuture<?>) future;
	}

	@Override
	public List<WorkerStatus> workers() {
		List<WorkerStatus> result = new ArrayList<>();
		this.links.values().forEach((link) -> result.add(link.status()));
		return result;
	}

	// MasterHandler: called on the transport's reader thread of each peer

	@Override
	public void received(Peer peer, Message message) {
		WorkerLink link = this.links.get(peer);
		if (link == null) {
			if (message instanceof Message.Hello hello) {
				accept(peer, hello);
			}
			else {
				reject(peer, "sent " + message.type() + " before HELLO");
			}
			return;
		}
		if (message instanceof Message.Set set) {
			String problem = this.limits.problemWithKey(set.key());
			if (problem == null) {
				problem = this.limits.problemWithValue(set.key(), set.value());
			}
			dispatchWrite(link, set, set.seq(), problem);
		}
		else if (message instanceof Message.Delete delete) {
			dispatchWrite(link, delete, delete.seq(), this.limits.problemWithKey(delete.key()));
		}
		else if (message instanceof Message.CompareAndSet cas) {
			String problem = this.limits.problemWithKey(cas.key());
			if (problem == null) {
				problem = this.limits.problemWithValue(cas.key(), cas.update());
			}
			if (problem == null && cas.expected() != null) {
				problem = this.limits.problemWithValue(cas.key(), cas.expected());
			}
			dispatchWrite(link, cas, cas.seq(), problem);
		}
		else if (message instanceof Message.Increment increment) {
			dispatchWrite(link, increment, increment.seq(), this.limits.problemWithKey(increment.key()));
		}
		else if (message instanceof Message.Broadcast broadcast) {
			this.sequencer.broadcast(link, broadcast.seq(), null);
		}
		else if (message instanceof Message.BroadcastAck ack) {
			this.sequencer.broadcastAcked(link, ack.broadcastId());
		}
		else if (message instanceof Message.Resync resync) {
			this.sequencer.resync(link, resync.lastRevision());
		}
		else if (message instanceof Message.Pong pong) {
			link.reportedRevision = pong.revision();
			link.revisionsBehind = Math.max(0, this.replica.revision() - pong.revision());
			link.lagNanos = System.nanoTime() - pong.nanos();
		}
		else {
			reject(peer, "sent " + message.type() + ", which only a master sends");
		}
	}

	private void dispatchWrite(WorkerLink link, Message request, long seq, String problem) {
		if (problem != null) {
			link.send(FrameCodec.encode(new Message.Error(seq, ErrorCode.BAD_REQUEST, problem)));
			return;
		}
		this.sequencer.write(link, request, null);
	}

	private void accept(Peer peer, Message.Hello hello) {
		if (hello.protocolVersion() != Frame.PROTOCOL_VERSION) {
			refuse(peer, ErrorCode.PROTOCOL_MISMATCH,
					"Protocol version mismatch: worker %s speaks version %d, master of '%s' speaks %d; run the same globalval version everywhere"
						.formatted(hello.nodeName(), hello.protocolVersion(), this.settings.name(),
								Frame.PROTOCOL_VERSION));
			return;
		}
		if (!hello.appName().equals(this.settings.name())) {
			refuse(peer, ErrorCode.APPLICATION_MISMATCH,
					"Application mismatch: worker %s belongs to '%s' but this socket serves '%s'; check globalval.name and globalval.uds.directory"
						.formatted(hello.nodeName(), hello.appName(), this.settings.name()));
			return;
		}
		int nodeId = assignNodeId(hello.requestedNodeId());
		WorkerLink link = new WorkerLink(peer, nodeId, hello.nodeName(), hello.pid());
		this.links.put(peer, link);
		logger.info("Worker {} joined '{}' (last revision {})", link, this.settings.name(), hello.lastRevision());
		this.sequencer.join(link, hello);
	}

	private int assignNodeId(int requested) {
		if (requested > MASTER_NODE_ID && this.links.values().stream().noneMatch((link) -> link.nodeId == requested)) {
			this.lastNodeId.accumulateAndGet(requested, Math::max);
			return requested;
		}
		return this.lastNodeId.incrementAndGet();
	}

	private void refuse(Peer peer, ErrorCode code, String message) {
		logger.warn("Refused {}: {}", peer.describe(), message);
		this.metrics.frameRejected();
		peer.sendAndClose(FrameCodec.encode(new Message.Error(0, code, message)), message);
	}

	private void reject(Peer peer, String what) {
		String message = peer.describe() + " " + what + "; closing its connection";
		logger.warn(message);
		this.metrics.frameRejected();
		peer.close(message);
	}

	@Override
	public void disconnected(Peer peer, String reason) {
		WorkerLink link = this.links.remove(peer);
		if (link != null) {
			if (!this.closed) {
				logger.info("Worker {} left '{}': {}", link, this.settings.name(), reason);
			}
			this.sequencer.leave(link);
		}
	}

	private void ping() {
		byte[] frame = FrameCodec.encode(new Message.Ping(System.nanoTime(), this.replica.revision()));
		this.links.values().forEach((link) -> link.send(frame));
	}

	/**
	 * Stop accepting, let the sequencer finish what is queued, close every connection
	 * and release the lock.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.pinger.shutdownNow();
		this.sequencer.close();
		closeQuietly(this.transport);
		closeEvents();
		closeQuietly(this.lock);
		logger.info("Master of '{}' stopped at revision {}", this.settings.name(), this.replica.revision());
	}

	private static void closeQuietly(AutoCloseable closeable) {
		if (closeable == null) {
			return;
		}
		try {
			closeable.close();
		}
		catch (Exception ex) {
			logger.debug("Failed to close {}", closeable, ex);
		}
	}

}
