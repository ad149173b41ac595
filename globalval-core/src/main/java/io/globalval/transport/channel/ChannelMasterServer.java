package io.globalval.transport.channel;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.core.MasterHandler;
import io.globalval.core.NodeSettings;
import io.globalval.protocol.ProtocolException;

/**
 * The master's side of a socket transport, once its server channel is bound: accepts
 * workers, admits each one through a {@link PeerAdmission} (credentials or handshake),
 * and runs one reader thread per connection.
 * <p>
 * Hostile peers: a peer that is refused, sends an invalid frame, or breaks off in the
 * middle of a frame is closed, logged once at WARN and counted in
 * {@link io.globalval.core.NodeMetrics#framesRejected()}; nobody else is affected. At
 * most {@link #MAX_PENDING_ADMISSIONS} peers may be in admission at a time, so a flood
 * of connections that never finish a handshake cannot exhaust the master's threads, and
 * an admitted peer must send its HELLO within {@link #HELLO_TIMEOUT_NANOS} of admission
 * (in total, however it spreads its bytes) or is closed, logged and counted the same way.
 */
public final class ChannelMasterServer implements AutoCloseable {

	/** Peers that may wait in admission (handshake) at once; more are refused at once. */
	public static final int MAX_PENDING_ADMISSIONS = 64;

	/** How long an admitted peer has to send a complete HELLO. */
	public static final long HELLO_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

	/** How long a refused peer is given to read its farewell and close. */
	private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long LINGER_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	/** What a refused peer may still send while it is given time to close; dropped. */
	private static final long LINGER_MAX_BYTES = 64 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(ChannelMasterServer.class);

	private final NodeSettings settings;

	private final MasterHandler handler;

	private final ServerSocketChannel server;

	private final String address;

	private final PeerAdmission admission;

	private final long helloTimeoutNanos;

	private final Set<ChannelConnection> connections = ConcurrentHashMap.newKeySet();

	private final Set<SocketChannel> admitting = ConcurrentHashMap.newKeySet();

	private final AtomicInteger pending = new AtomicInteger();

	private final AtomicInteger accepted = new AtomicInteger();

	private final Thread acceptor;

	private volatile boolean closed;

	private ChannelMasterServer(NodeSettings settings, MasterHandler handler, ServerSocketChannel server,
			String address, PeerAdmission admission, long helloTimeoutNanos) {
		this.settings = settings;
		this.handler = handler;
		this.server = server;
		this.address = address;
		this.admission = admission;
		this.helloTimeoutNanos = helloTimeoutNanos;
		this.acceptor = new Thread(this::acceptLoop, "globalval-accept-" + settings.name());
		this.acceptor.setDaemon(true);
	}

	/**
	 * Start accepting on a bound server channel. The caller holds the master lock.
	 * @param settings the settings
	 * @param handler the master that receives what workers send
	 * @param server the bound server channel, in blocking mode; closed by {@link #close()}
	 * @param address where the server listens, for logs
	 * @param admission decides which accepted peers may speak the protocol
	 * @return the running server
	 */
	public static ChannelMasterServer start(NodeSettings settings, MasterHandler handler, ServerSocketChannel server,
			String address, PeerAdmission admission) {
		return start(settings, handler, server, address, admission, HELLO_TIMEOUT_NANOS);
	}

	static ChannelMasterServer start(NodeSettings settings, MasterHandler handler, ServerSocketChannel server,
			String address, PeerAdmission admission, long helloTimeoutNanos) {
		ChannelMasterServer master = new ChannelMasterServer(settings, handler, server, address, admission,
				helloTimeoutNanos);
		master.acceptor.start();
		return master;
	}

	private void acceptLoop() {
		while (!this.closed) {
			SocketChannel channel;
			try {
				channel = this.server.accept();
			}
			catch (ClosedChannelException ex) {
				return;
			}
			catch (IOException ex) {
				if (!this.closed) {
					logger.warn("Accepting a worker on {} failed", this.address, ex);
				}
				continue;
			}
			String name = "worker-" + this.accepted.incrementAndGet();
			if (this.pending.incrementAndGet() > MAX_PENDING_ADMISSIONS) {
				this.pending.decrementAndGet();
				refuse(channel, name, new PeerRefusedException(("%d connections are already waiting to be admitted "
						+ "(the limit); refused at once. Many connections that never finish their handshake "
						+ "point at a misbehaving or hostile process").formatted(MAX_PENDING_ADMISSIONS)));
				continue;
			}
			Thread reader = new Thread(() -> serve(channel, name), "globalval-reader-" + name);
			reader.setDaemon(true);
			reader.start();
		}
	}

	private void serve(SocketChannel channel, String name) {
		try {
			this.admitting.add(channel);
			if (this.closed) {
				throw new PeerRefusedException("the master is stopping");
			}
			this.admission.admit(channel);
		}
		catch (PeerRefusedException ex) {
			refuse(channel, name, ex);
			return;
		}
		catch (IOException | RuntimeException ex) {
			refuse(channel, name, new PeerRefusedException("did not complete admission: " + ex));
			return;
		}
		finally {
			this.admitting.remove(channel);
			this.pending.decrementAndGet();
		}
		ChannelConnection connection;
		try {
			connection = new ChannelConnection(channel, name, this.handler.metrics(), this.settings.maxQueuedBytes());
		}
		catch (IOException ex) {
			refuse(channel, name, new PeerRefusedException("could not be set up: " + ex));
			return;
		}
		this.connections.add(connection);
		if (this.closed) {
			// close() may have run between the admission and the add above
			connection.close("master stopping");
			this.connections.remove(connection);
			return;
		}
		readLoop(connection);
	}

	private void refuse(SocketChannel channel, String name, PeerRefusedException ex) {
		if (!this.closed) {
			logger.warn("Refused {} on {}: {}", name, this.address, ex.getMessage());
			this.handler.metrics().frameRejected();
		}
		try (channel) {
			byte[] farewell = ex.farewell();
			if (farewell != null && channel.isOpen()) {
				// never block on a peer that does not read: what does not fit now is dropped
				channel.configureBlocking(false);
				channel.write(ByteBuffer.wrap(farewell));
				lingerUntilThePeerCloses(channel);
			}
		}
		catch (IOException closing) {
			logger.debug("Closing refused {} failed: {}", name, closing.toString());
		}
	}

	/**
	 * Half-close and read (and drop) what the peer still sends until it closes, briefly.
	 * Closing at once could make the peer's next write fail, or reset the connection,
	 * before it has read the farewell; a worker would then retry instead of learning why
	 * it was refused. Bounded in time and bytes, so a hostile peer gains nothing.
	 */
	private static void lingerUntilThePeerCloses(SocketChannel channel) throws IOException {
		channel.shutdownOutput();
		ByteBuffer sink = ByteBuffer.allocate(4096);
		long deadline = System.nanoTime() + LINGER_NANOS;
		long discarded = 0;
		while (discarded < LINGER_MAX_BYTES && System.nanoTime() - deadline < 0) {
			int read = channel.read(sink.clear());
			if (read < 0) {
				return;
			}
			if (read == 0) {
				LockSupport.parkNanos(LINGER_POLL_NANOS);
			}
			discarded += read;
		}
	}

	private void readLoop(ChannelConnection connection) {
		String reason = "closed by the worker";
		try {
			connection.readFrames(this.settings.maxFrameSize(), this.handler.metrics(), this.helloTimeoutNanos,
					(message) -> this.handler.received(connection, message), null);
		}
		catch (SocketTimeoutException ex) {
			reason = ex.getMessage();
			logger.warn("{} {}; closing it", connection.describe(), ex.getMessage());
			this.handler.metrics().frameRejected();
		}
		catch (ProtocolException ex) {
			reason = ex.getMessage();
			logger.warn("{}; closing {}", ex.getMessage(), connection.describe());
			this.handler.metrics().frameRejected();
		}
		catch (IOException ex) {
			reason = connection.isClosed() ? "closed" : ex.toString();
		}
		catch (RuntimeException ex) {
			reason = ex.toString();
			logger.warn("Handling a frame from {} failed; closing it", connection.describe(), ex);
			this.handler.metrics().frameRejected();
		}
		finally {
			connection.close(reason);
			this.connections.remove(connection);
			this.handler.disconnected(connection, reason);
		}
	}

	/**
	 * Stop accepting, write what is queued to each worker (briefly), then close every
	 * connection, admitted or not. Idempotent.
	 * @throws IOException if the server channel cannot be closed
	 */
	@Override
	public void close() throws IOException {
		this.closed = true;
		this.server.close();
		for (SocketChannel channel : this.admitting) {
			channel.close();
		}
		for (ChannelConnection connection : this.connections) {
			connection.flush(500);
			connection.close("master stopping");
		}
	}

}
