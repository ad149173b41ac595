package io.globalval.transport.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.core.MasterHandler;
import io.globalval.core.MasterLock;
import io.globalval.core.NodeSettings;
import io.globalval.transport.channel.ChannelMasterServer;
import io.globalval.transport.channel.PeerAdmission;

/**
 * The master's side of the TCP transport: binds the configured address (loopback unless
 * told otherwise), publishes the port in {@code <directory>/master.port} for workers
 * that were not given one, and serves workers through a {@link ChannelMasterServer} that
 * admits only peers passing the {@link TcpHandshake secret challenge} (its settings cannot
 * be made without a secret). It warns when it listens beyond this machine, because the
 * secret authenticates connections but does not encrypt them.
 */
public final class TcpMasterServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(TcpMasterServer.class);

	private final ChannelMasterServer server;

	private final InetSocketAddress address;

	private final Path portFile;

	private TcpMasterServer(ChannelMasterServer server, InetSocketAddress address, Path portFile) {
		this.server = server;
		this.address = address;
		this.portFile = portFile;
	}

	/**
	 * Bind the configured address and start accepting. The caller holds the master lock.
	 * @param settings the node's settings
	 * @param tcp the address and the secret
	 * @param handler the master that receives what workers send
	 * @return the running server
	 * @throws IOException if the address cannot be bound or the port file written
	 */
	public static TcpMasterServer start(NodeSettings settings, TcpTransportSettings tcp, MasterHandler handler)
			throws IOException {
		return start(settings, tcp, handler,
				new TcpHandshake(settings.name(), tcp.secret(), TcpHandshake.TIMEOUT_MILLIS));
	}

	static TcpMasterServer start(NodeSettings settings, TcpTransportSettings tcp, MasterHandler handler,
			PeerAdmission admission) throws IOException {
		InetAddress host = InetAddress.getByName(tcp.host());
		if (!host.isLoopbackAddress()) {
			logger.warn("The master of '{}' listens on {}, beyond this machine: every connection must prove the "
					+ "secret, but values cross the network unencrypted; prefer 127.0.0.1, a private network or a "
					+ "tunnel", settings.name(), tcp.host());
		}
		MasterLock.createPrivateDirectory(settings.directory());
		Path portFile = TcpTransport.portFile(settings);
		ServerSocketChannel channel = ServerSocketChannel.open();
		InetSocketAddress bound;
		try {
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			channel.bind(new InetSocketAddress(host, tcp.port()));
			bound = (InetSocketAddress) channel.getLocalAddress();
			publishPort(portFile, bound.getPort());
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
		String description = tcp.host() + ":" + bound.getPort();
		PeerAdmission withoutDelay = (accepted) -> {
			// frames are small and answered at once: never hold one back for an ACK (Nagle)
			accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
			admission.admit(accepted);
		};
		return new TcpMasterServer(ChannelMasterServer.start(settings, handler, channel, description, withoutDelay),
				bound, portFile);
	}

	/**
	 * Write the port where workers find it, atomically, so that a reader never sees half
	 * of it. The directory is private to the user (0700), like the file.
	 */
	private static void publishPort(Path portFile, int port) throws IOException {
		Path temporary = Files.createTempFile(portFile.getParent(), TcpTransport.PORT_FILE, ".tmp");
		try {
			Files.writeString(temporary, port + "\n", StandardCharsets.US_ASCII);
			try {
				Files.move(temporary, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, portFile, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	/**
	 * Read the port a master published.
	 * @param portFile the port file
	 * @return the port
	 * @throws IOException if there is no valid port file (yet)
	 */
	static int readPort(Path portFile) throws IOException {
		String text = Files.readString(portFile, StandardCharsets.US_ASCII).trim();
		try {
			int port = Integer.parseInt(text);
			if (port > 0 && port <= 65535) {
				return port;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IOException("%s holds '%s', not a port".formatted(portFile, text));
	}

	/**
	 * Return the address the server is bound to.
	 * @return the address, with the port actually bound
	 */
	public InetSocketAddress address() {
		return this.address;
	}

	/**
	 * Stop accepting, write what is queued to each worker (briefly), close every
	 * connection, and remove the port file unless a newer master replaced it.
	 */
	@Override
	public void close() throws IOException {
		this.server.close();
		try {
			if (readPort(this.portFile) == this.address.getPort()) {
				Files.deleteIfExists(this.portFile);
			}
		}
		catch (NoSuchFileException ex) {
			// already gone
		}
		catch (IOException ex) {
			logger.debug("Not removing {}: {}", this.portFile, ex.toString());
		}
	}

}
