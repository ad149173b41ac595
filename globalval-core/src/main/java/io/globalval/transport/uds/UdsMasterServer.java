package io.globalval.transport.uds;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import io.globalval.core.MasterHandler;
import io.globalval.core.MasterLock;
import io.globalval.core.NodeSettings;
import io.globalval.transport.channel.ChannelMasterServer;

/**
 * The master's side of the Unix-socket transport: binds the application's socket (after
 * its owner has taken the master lock, so a leftover socket file is stale and removed),
 * restricts it to its owner, and serves workers through a {@link ChannelMasterServer}
 * that admits only peers of the master's own user ({@link PeerCredentials}). A
 * connection that is refused or sends an invalid frame is closed, logged and counted;
 * the others go on.
 */
public final class UdsMasterServer implements AutoCloseable {

	private final ChannelMasterServer server;

	private final Path socket;

	private UdsMasterServer(ChannelMasterServer server, Path socket) {
		this.server = server;
		this.socket = socket;
	}

	/**
	 * Bind the socket and start accepting. The caller holds the master lock.
	 * @param settings the settings
	 * @param handler the master that receives what workers send
	 * @return the running server
	 * @throws IOException if the socket cannot be bound
	 */
	public static UdsMasterServer start(NodeSettings settings, MasterHandler handler) throws IOException {
		Path socket = UdsTransport.socketFile(settings);
		Files.deleteIfExists(socket);
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		PeerCredentials credentials;
		try {
			server.bind(UnixDomainSocketAddress.of(socket));
			MasterLock.restrictSocket(socket);
			credentials = PeerCredentials.forSocket(settings.name(), socket);
		}
		catch (IOException | RuntimeException ex) {
			server.close();
			throw ex;
		}
		return new UdsMasterServer(
				ChannelMasterServer.start(settings, handler, server, socket.toString(), credentials), socket);
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
	 * connection and remove the socket file.
	 */
	@Override
	public void close() throws IOException {
		this.server.close();
		Files.deleteIfExists(this.socket);
	}

}
