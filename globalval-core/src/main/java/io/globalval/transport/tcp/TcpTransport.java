package io.globalval.transport.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;

import io.globalval.core.MasterHandler;
import io.globalval.core.NodeSettings;
import io.globalval.core.Transport;
import io.globalval.core.WorkerHandler;
import io.globalval.transport.channel.ChannelWorkerClient;

/**
 * The TCP transport, for platforms or containers without a shared socket directory: the
 * master listens on {@link TcpTransportSettings#host()} (loopback by default) and
 * {@link TcpTransportSettings#port()} (with 0, any free port, published in
 * {@link #portFile(NodeSettings)}); workers connect there. Every connection starts with
 * a mutual HMAC challenge over {@link TcpTransportSettings#secret()} (see
 * {@link TcpHandshake}), so only processes that share the secret exchange frames. The
 * lock file stays in {@link NodeSettings#directory()}, as with the Unix-socket transport.
 * <pre class="code">
 * Transport tcp = new TcpTransport(TcpTransportSettings.builder().secret(secret).build());
 * GlobalValNode node = GlobalValNodes.builder(settings).transport(tcp).start();
 * </pre>
 */
public final class TcpTransport implements Transport {

	/** Name of the file, in the node's directory, in which a master publishes its port. */
	public static final String PORT_FILE = "master.port";

	/** How long a worker waits for a TCP connection to the master to be established. */
	static final int CONNECT_TIMEOUT_MILLIS = 5000;

	private final TcpTransportSettings tcp;

	/**
	 * Create the transport.
	 * @param tcp where the master listens, and the shared secret
	 */
	public TcpTransport(TcpTransportSettings tcp) {
		this.tcp = Objects.requireNonNull(tcp, "'tcp' must not be null");
	}

	/**
	 * Return the settings of this transport.
	 * @return the settings
	 */
	public TcpTransportSettings settings() {
		return this.tcp;
	}

	/**
	 * Return the path of the file in which a master publishes its port when it was
	 * given port 0.
	 * @param settings the node's settings
	 * @return the port file, in the node's directory
	 */
	public static Path portFile(NodeSettings settings) {
		return settings.directory().resolve(PORT_FILE);
	}

	@Override
	public AutoCloseable serve(NodeSettings settings, MasterHandler master) throws IOException {
		return TcpMasterServer.start(settings, this.tcp, master);
	}

	@Override
	public AutoCloseable connect(NodeSettings settings, WorkerHandler worker) {
		TcpHandshake handshake = new TcpHandshake(settings.name(), this.tcp.secret(), TcpHandshake.TIMEOUT_MILLIS);
		return ChannelWorkerClient.start(settings, worker, new ChannelWorkerClient.Connector() {

			@Override
			public SocketChannel connect() throws IOException {
				InetSocketAddress master = masterAddress(settings);
				SocketChannel channel = SocketChannel.open();
				try {
					channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
					// through the adaptor: the channel's own connect cannot time out
					channel.socket().connect(master, CONNECT_TIMEOUT_MILLIS);
					handshake.connect(channel, master.getHostString() + ":" + master.getPort());
					return channel;
				}
				catch (IOException | RuntimeException ex) {
					channel.close();
					throw ex;
				}
			}

			@Override
			public String describe() {
				return address(settings);
			}

		});
	}

	@Override
	public String address(NodeSettings settings) {
		if (this.tcp.port() != 0) {
			return this.tcp.host() + ":" + this.tcp.port();
		}
		try {
			return this.tcp.host() + ":" + TcpMasterServer.readPort(portFile(settings));
		}
		catch (IOException ex) {
			return this.tcp.host() + ":<port from " + portFile(settings) + ">";
		}
	}

	/**
	 * Return where a worker finds the master: the configured port, or the one the
	 * master published, read again on every attempt because a new master (after a
	 * failover) may have another.
	 */
	private InetSocketAddress masterAddress(NodeSettings settings) throws IOException {
		InetAddress host = InetAddress.getByName(this.tcp.host());
		if (host.isAnyLocalAddress()) {
			// a master bound to every interface is reached on this machine through loopback
			host = InetAddress.getLoopbackAddress();
		}
		int port = (this.tcp.port() != 0) ? this.tcp.port() : TcpMasterServer.readPort(portFile(settings));
		return new InetSocketAddress(host, port);
	}

}
