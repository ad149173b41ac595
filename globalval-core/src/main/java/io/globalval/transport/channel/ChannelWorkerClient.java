package io.globalval.transport.channel;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.core.NodeSettings;
import io.globalval.core.WorkerHandler;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.protocol.ProtocolException;

/**
 * The worker's side of a socket transport: one thread that connects to the master
 * (through a {@link Connector}, which also runs the transport's handshake), says hello,
 * reads and hands on every frame, and when the connection ends connects again, until the
 * worker is closed or refused.
 * <p>
 * Backoff: an attempt that fails (no master listening, a handshake refused) or a
 * connection that ends before it was healthy (the master closed it before its WELCOME,
 * say for an older epoch or a node id in use) is followed by a pause that doubles from
 * {@link #MIN_BACKOFF_NANOS} to {@link #MAX_BACKOFF_NANOS}, so a master that turns the
 * worker away at once is not hammered in a tight loop. A connection is healthy once it
 * was welcomed or has lasted {@link #HEALTHY_NANOS}; after a healthy connection ends (the
 * master died) the first attempt follows at once and the backoff starts again from the
 * bottom, so a worker finds a new master promptly.
 */
public final class ChannelWorkerClient implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ChannelWorkerClient.class);

	/** The first pause after a failed attempt or an unhealthy connection. */
	static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	/** The longest pause between attempts. */
	static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** How long a connection that was never welcomed must last to count as healthy. */
	static final long HEALTHY_NANOS = MAX_BACKOFF_NANOS;

	private final NodeSettings settings;

	private final WorkerHandler handler;

	private final Connector connector;

	private final Thread thread;

	private volatile ChannelConnection connection;

	private volatile boolean closed;

	/** Whether the master welcomed the current connection; the client's thread only. */
	private boolean welcomed;

	private ChannelWorkerClient(NodeSettings settings, WorkerHandler handler, Connector connector) {
		this.settings = settings;
		this.handler = handler;
		this.connector = connector;
		this.thread = new Thread(this::run, "globalval-worker-" + settings.name());
		this.thread.setDaemon(true);
	}

	/**
	 * Start connecting to the master.
	 * @param settings the settings
	 * @param handler the worker that receives what the master sends
	 * @param connector opens an admitted connection to the master
	 * @return the running client
	 */
	public static ChannelWorkerClient start(NodeSettings settings, WorkerHandler handler, Connector connector) {
		ChannelWorkerClient client = new ChannelWorkerClient(settings, handler, connector);
		client.thread.start();
		return client;
	}

	private void run() {
		long backoff = MIN_BACKOFF_NANOS;
		boolean loggedWaiting = false;
		while (!this.closed && this.handler.keepConnecting()) {
			if (this.handler.masterUnreachable()) {
				return;
			}
			SocketChannel channel;
			try {
				channel = this.connector.connect();
			}
			catch (PeerRefusedException ex) {
				if (!loggedWaiting) {
					logger.warn("{}; retrying", ex.getMessage());
					loggedWaiting = true;
				}
				LockSupport.parkNanos(backoff);
				backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
				continue;
			}
			catch (IOException ex) {
				if (!loggedWaiting) {
					logger.info("Waiting for the master of '{}' on {} ({})", this.settings.name(),
							this.connector.describe(), ex.toString());
					loggedWaiting = true;
				}
				LockSupport.parkNanos(backoff);
				backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
				continue;
			}
			loggedWaiting = false;
			if (serve(channel)) {
				backoff = MIN_BACKOFF_NANOS;
			}
			else if (!this.closed) {
				logger.debug("The connection to the master of '{}' ended before it was welcomed; next attempt in {} ms",
						this.settings.name(), TimeUnit.NANOSECONDS.toMillis(backoff));
				LockSupport.parkNanos(backoff);
				backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
			}
		}
	}

	/**
	 * Serve one connection until it ends.
	 * @return whether it was healthy: welcomed by the master, or open for at least
	 * {@link #HEALTHY_NANOS}
	 */
	private boolean serve(SocketChannel channel) {
		long openedNanos = System.nanoTime();
		this.welcomed = false;
		ChannelConnection current;
		try {
			current = new ChannelConnection(channel, "master of " + this.settings.name(), this.handler.metrics(),
					this.settings.maxQueuedBytes());
		}
		catch (IOException ex) {
			logger.warn("Could not set up the connection to the master of '{}'", this.settings.name(), ex);
			closeQuietly(channel);
			return false;
		}
		this.connection = current;
		String reason = "closed by the master";
		try {
			current.send(FrameCodec.encode(this.handler.hello()));
			this.handler.connected(current);
			logger.info("Connected to the master of '{}' on {}", this.settings.name(), this.connector.describe());
			current.readFramesWithBytes(this.settings.maxFrameSize(), this.handler.metrics(), 0, (message, frame) -> {
				if (message instanceof Message.Welcome) {
					this.welcomed = true;
				}
				this.handler.received(message, frame);
			}, this.handler::endOfBatch);
		}
		catch (ProtocolException ex) {
			reason = ex.getMessage();
			logger.warn("{}; closing the connection to the master", ex.getMessage());
			this.handler.metrics().frameRejected();
		}
		catch (IOException ex) {
			reason = (this.closed) ? "closed" : ex.toString();
		}
		catch (RuntimeException ex) {
			reason = ex.toString();
			logger.warn("Handling a frame from the master failed; reconnecting", ex);
		}
		finally {
			current.close(reason);
			this.connection = null;
			this.handler.disconnected(reason);
		}
		return this.welcomed || System.nanoTime() - openedNanos >= HEALTHY_NANOS;
	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			logger.debug("Closing a channel failed", ex);
		}
	}

	/**
	 * Stop connecting and close the connection.
	 */
	@Override
	public void close() {
		this.closed = true;
		ChannelConnection current = this.connection;
		if (current != null) {
			current.flush(500);
			current.close("worker stopping");
		}
		this.thread.interrupt();
		try {
			this.thread.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Opens a connection to the master that the master has admitted.
	 */
	public interface Connector {

		/**
		 * Connect to the master and run the transport's handshake, if any.
		 * @return the connected channel, in blocking mode (the connection makes it
		 * non-blocking)
		 * @throws PeerRefusedException if the master refused this worker, or the peer
		 * could not prove it is the master
		 * @throws IOException if no master could be reached
		 */
		SocketChannel connect() throws IOException;

		/**
		 * Return where the master is expected, for logs.
		 * @return the address
		 */
		String describe();

	}

}
