package io.globalval.transport.uds;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.core.NodeSettings;
import io.globalval.core.WorkerHandler;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.ProtocolException;

/**
 * The worker's side of the Unix-socket transport: one thread that connects to the
 * master's socket, says hello, reads and hands on every frame, and when the connection
 * ends connects again with a growing backoff, until the worker is closed or refused.
 */
public final class UdsWorkerClient implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(UdsWorkerClient.class);

	private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final NodeSettings settings;

	private final WorkerHandler handler;

	private final Path socket;

	private final Thread thread;

	private volatile UdsConnection connection;

	private volatile boolean closed;

	private UdsWorkerClient(NodeSettings settings, WorkerHandler handler) {
		this.settings = settings;
		this.handler = handler;
		this.socket = settings.socketFile();
		this.thread = new Thread(this::run, "globalval-worker-" + settings.name());
		this.thread.setDaemon(true);
	}

	/**
	 * Start connecting to the master.
	 * @param settings the settings
	 * @param handler the worker that receives what the master sends
	 * @return the running client
	 */
	public static UdsWorkerClient start(NodeSettings settings, WorkerHandler handler) {
		UdsWorkerClient client = new UdsWorkerClient(settings, handler);
		client.thread.start();
		return client;
	}

	private void run() {
		long backoff = MIN_BACKOFF_NANOS;
		boolean loggedWaiting = false;
		while (!this.closed && this.handler.keepConnecting()) {
			if (this.handler.takeOver()) {
				return;
			}
			SocketChannel channel;
			try {
				channel = SocketChannel.open(StandardProtocolFamily.UNIX);
				try {
					channel.connect(UnixDomainSocketAddress.of(this.socket));
				}
				catch (IOException ex) {
					channel.close();
					throw ex;
				}
			}
			catch (IOException ex) {
				if (!loggedWaiting) {
					logger.info("Waiting for the master of '{}' on {} ({})", this.settings.name(), this.socket,
							ex.toString());
					loggedWaiting = true;
				}
				LockSupport.parkNanos(backoff);
				backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
				continue;
			}
			backoff = MIN_BACKOFF_NANOS;
			loggedWaiting = false;
			serve(channel);
		}
	}

	private void serve(SocketChannel channel) {
		UdsConnection current = new UdsConnection(channel, "master of " + this.settings.name(),
				this.handler.metrics(), this.settings.maxQueuedBytes());
		this.connection = current;
		String reason = "closed by the master";
		try {
			current.send(FrameCodec.encode(this.handler.hello()));
			this.handler.connected(current);
			logger.info("Connected to the master of '{}' on {}", this.settings.name(), this.socket);
			FrameLoop.run(channel, this.settings.maxFrameSize(), this.handler.metrics(), this.handler::received);
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
	}

	/**
	 * Stop connecting and close the connection.
	 */
	@Override
	public void close() {
		this.closed = true;
		UdsConnection current = this.connection;
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

}
