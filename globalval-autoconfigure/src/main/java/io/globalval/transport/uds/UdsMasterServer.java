package io.globalval.transport.uds;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.core.MasterHandler;
import io.globalval.core.MasterLock;
import io.globalval.core.NodeSettings;
import io.globalval.protocol.ProtocolException;

/**
 * The master's side of the Unix-socket transport: binds the application's socket (after
 * its owner has taken the master lock, so a leftover socket file is stale and removed),
 * accepts workers, and runs one reader thread per connection. A connection that sends
 * an invalid frame is closed, logged and counted; the others go on.
 */
public final class UdsMasterServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(UdsMasterServer.class);

	private final NodeSettings settings;

	private final MasterHandler handler;

	private final ServerSocketChannel server;

	private final Path socket;

	private final Set<UdsConnection> connections = ConcurrentHashMap.newKeySet();

	private final AtomicInteger accepted = new AtomicInteger();

	private final Thread acceptor;

	private volatile boolean closed;

	private UdsMasterServer(NodeSettings settings, MasterHandler handler, ServerSocketChannel server) {
		this.settings = settings;
		this.handler = handler;
		this.server = server;
		this.socket = settings.socketFile();
		this.acceptor = new Thread(this::acceptLoop, "globalval-accept-" + settings.name());
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * Bind the socket and start accepting. The caller holds the master lock.
	 * @param settings the settings
	 * @param handler the master that receives what workers send
	 * @return the running server
	 * @throws IOException if the socket cannot be bound
	 */
	public static UdsMasterServer start(NodeSettings settings, MasterHandler handler) throws IOException {
		Path socket = settings.socketFile();
		Files.deleteIfExists(socket);
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			server.bind(UnixDomainSocketAddress.of(socket));
			MasterLock.restrictSocket(socket);
		}
		catch (IOException | RuntimeException ex) {
			server.close();
			throw ex;
		}
		return new UdsMasterServer(settings, handler, server);
	}

	/**
	 * Return the path of the socket.
	 * @return the socket file
	 */
	public Path socket() {
		return this.socket;
	}

	private void acceptLoop() {
		while (!this.closed) {
			try {
				SocketChannel channel = this.server.accept();
				String name = "worker-" + this.accepted.incrementAndGet();
				UdsConnection connection = new UdsConnection(channel, name, this.handler.metrics(),
						this.settings.maxQueuedBytes());
				this.connections.add(connection);
				Thread reader = new Thread(() -> readLoop(connection), "globalval-reader-" + name);
				reader.setDaemon(true);
				reader.start();
			}
			catch (ClosedChannelException ex) {
				return;
			}
			catch (IOException ex) {
				if (!this.closed) {
					logger.warn("Accepting a worker on {} failed", this.socket, ex);
				}
			}
		}
	}

	private void readLoop(UdsConnection connection) {
		String reason = "closed by the worker";
		try {
			FrameLoop.run(connection.channel(), this.settings.maxFrameSize(), this.handler.metrics(),
					(message) -> this.handler.received(connection, message));
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
	 * connection and remove the socket file.
	 */
	@Override
	public void close() throws IOException {
		this.closed = true;
		this.server.close();
		for (UdsConnection connection : this.connections) {
			connection.flush(500);
			connection.close("master stopping");
		}
		Files.deleteIfExists(this.socket);
	}

}
