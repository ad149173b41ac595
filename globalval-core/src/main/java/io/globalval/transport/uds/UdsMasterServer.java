package io.globalval.transport.uds;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.core.MasterHandler;
import io.globalval.core.MasterLock;
import io.globalval.core.NodeSettings;
import io.globalval.transport.channel.ChannelMasterServer;

/**
 * The master's side of the Unix-socket transport: binds the application's socket,
 * restricts it to its owner, and serves workers through a {@link ChannelMasterServer}
 * that admits only peers of the master's own user ({@link PeerCredentials}). A
 * connection that is refused or sends an invalid frame is closed, logged and counted;
 * the others go on.
 * <p>
 * A socket file left at the path is normally stale (its master died), since this
 * process holds the master lock; it is removed only after two checks, so that a live
 * master's socket is never unlinked under it: the lock must still be on the file at its
 * path ({@link MasterLock#isStillAtPath()}), and nothing may answer a connection to the
 * socket. On close the socket file is removed only if it is still the one this server
 * bound.
 */
public final class UdsMasterServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(UdsMasterServer.class);

	private final ChannelMasterServer server;

	private final Path socket;

	private final Object socketKey;

	private UdsMasterServer(ChannelMasterServer server, Path socket, Object socketKey) {
		this.server = server;
		this.socket = socket;
		this.socketKey = socketKey;
	}

	/**
	 * Bind the socket and start accepting. The caller holds the master lock.
	 * @param settings the settings
	 * @param handler the master that receives what workers send
	 * @return the running server
	 * @throws IOException if the socket cannot be bound, or a live process answers on it
	 */
	public static UdsMasterServer start(NodeSettings settings, MasterHandler handler) throws IOException {
		return start(settings, handler, null);
	}

	/**
	 * Bind the socket and start accepting, checking first that the caller's lock is
	 * still on the file at its path.
	 * @param settings the settings
	 * @param handler the master that receives what workers send
	 * @param lock the master lock the caller holds, or {@code null} if unknown
	 * @return the running server
	 * @throws IOException if the lock was lost, the socket cannot be bound, or a live
	 * process answers on it
	 */
	public static UdsMasterServer start(NodeSettings settings, MasterHandler handler, MasterLock lock)
			throws IOException {
		Path socket = UdsTransport.socketFile(settings);
		if (lock != null && !lock.isStillAtPath()) {
			throw new IOException(("The master lock %s was deleted or replaced after this process took it, so "
					+ "another process may be master of '%s'; not touching %s. Restart the application's processes")
				.formatted(lock.file(), settings.name(), socket));
		}
		removeStaleSocket(socket, settings.name());
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		PeerCredentials credentials;
		Object socketKey;
		try {
			server.bind(UnixDomainSocketAddress.of(socket));
			MasterLock.restrictSocket(socket);
			credentials = PeerCredentials.forSocket(settings.name(), socket);
			socketKey = fileKey(socket);
		}
		catch (IOException | RuntimeException ex) {
			server.close();
			throw ex;
		}
		return new UdsMasterServer(
				ChannelMasterServer.start(settings, handler, server, socket.toString(), credentials), socket,
				socketKey);
	}

	/**
	 * Remove a socket file left by a master that died, after making sure no process
	 * answers on it.
	 */
	private static void removeStaleSocket(Path socket, String name) throws IOException {
		if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		boolean answered;
		try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			answered = probe.connect(UnixDomainSocketAddress.of(socket));
		}
		catch (IOException ex) {
			// refused (or not a socket at all): nobody listens, the file is stale
			answered = false;
		}
		if (answered) {
			throw new IOException(("A process is listening on %s although this process holds the master lock of "
					+ "'%s' (was the lock file deleted while a master ran?); not removing a live socket. Stop that "
					+ "process and start again").formatted(socket, name));
		}
		logger.debug("Removing the stale socket {}", socket);
		Files.deleteIfExists(socket);
	}

	private static Object fileKey(Path path) throws IOException {
		return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
	}

	/**
	 * Return the path of the socket.
	 * @return the socket file
	 */
	public Path socket() {
		return this.socket;
	}

	/**
	 * Stop accepting, write what is queued to each worker (briefly), then close every
	 * connection and remove the socket file, unless it is no longer the one this server
	 * bound.
	 */
	@Override
	public void close() throws IOException {
		this.server.close();
		try {
			if (this.socketKey == null || Objects.equals(fileKey(this.socket), this.socketKey)) {
				Files.deleteIfExists(this.socket);
			}
			else {
				logger.warn("Not removing {}: another process bound a socket there after this master", this.socket);
			}
		}
		catch (NoSuchFileException ex) {
			// already gone
		}
	}

}
