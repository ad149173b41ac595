package io.globalval.transport.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

import io.globalval.GlobalValException;
import io.globalval.core.MasterHandler;
import io.globalval.core.NodeSettings;
import io.globalval.core.Transport;
import io.globalval.core.WorkerHandler;
import io.globalval.transport.channel.ChannelWorkerClient;

/**
 * The TCP transport, for platforms or containers without a shared socket directory: the
 * master listens on {@link NodeSettings#tcpHost()} (loopback by default) and
 * {@link NodeSettings#tcpPort()} (with 0, any free port, published in
 * {@link NodeSettings#portFile()}); workers connect there. Every connection starts with
 * a mutual HMAC challenge over {@link NodeSettings#tcpSecret()} (see
 * {@link TcpHandshake}), so only processes that share the secret exchange frames. A
 * secret is required; the master refuses to start without one.
 */
public final class TcpTransport implements Transport {

	/** How long a worker waits for a TCP connection to the master to be established. */
	static final int CONNECT_TIMEOUT_MILLIS = 5000;

	@Override
	public AutoCloseable serve(NodeSettings settings, MasterHandler master) throws IOException {
		return TcpMasterServer.start(settings, master);
	}

	/**
	 * {@inheritDoc}
	 * @throws GlobalValException if no secret is configured
	 */
	@Override
	public AutoCloseable connect(NodeSettings settings, WorkerHandler worker) {
		TcpHandshake handshake = new TcpHandshake(TcpMasterServer.checkSecret(settings), TcpHandshake.TIMEOUT_MILLIS);
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
		if (settings.tcpPort() != 0) {
			return settings.tcpHost() + ":" + settings.tcpPort();
		}
		try {
			return settings.tcpHost() + ":" + TcpMasterServer.readPort(settings.portFile());
		}
		catch (IOException ex) {
			return settings.tcpHost() + ":<port from " + settings.portFile() + ">";
		}
	}

	/**
	 * Return where a worker finds the master: the configured port, or the one the
	 * master published, read again on every attempt because a new master (after a
	 * failover) may have another.
	 */
	private static InetSocketAddress masterAddress(NodeSettings settings) throws IOException {
		InetAddress host = InetAddress.getByName(settings.tcpHost());
		if (host.isAnyLocalAddress()) {
			// a master bound to every interface is reached on this machine through loopback
			host = InetAddress.getLoopbackAddress();
		}
		int port = (settings.tcpPort() != 0) ? settings.tcpPort() : TcpMasterServer.readPort(settings.portFile());
		return new InetSocketAddress(host, port);
	}

}
