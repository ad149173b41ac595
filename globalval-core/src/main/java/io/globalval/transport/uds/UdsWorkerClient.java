package io.globalval.transport.uds;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import io.globalval.core.NodeSettings;
import io.globalval.core.WorkerHandler;
import io.globalval.transport.channel.ChannelWorkerClient;

/**
 * The worker's side of the Unix-socket transport: a {@link ChannelWorkerClient} that
 * connects to the master's socket, reconnecting with a growing backoff until the worker
 * is closed or refused.
 */
public final class UdsWorkerClient implements AutoCloseable {

	private final ChannelWorkerClient client;

	private UdsWorkerClient(ChannelWorkerClient client) {
		this.client = client;
	}

	/**
	 * Start connecting to the master.
	 * @param settings the settings
	 * @param handler the worker that receives what the master sends
	 * @return the running client
	 */
	public static UdsWorkerClient start(NodeSettings settings, WorkerHandler handler) {
		Path socket = UdsTransport.socketFile(settings);
		return new UdsWorkerClient(ChannelWorkerClient.start(settings, handler, new ChannelWorkerClient.Connector() {

			@Override
			public SocketChannel connect() throws IOException {
				SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
				try {
					channel.connect(UnixDomainSocketAddress.of(socket));
					return channel;
				}
				catch (IOException | RuntimeException ex) {
					channel.close();
					throw ex;
				}
			}

			@Override
			public String describe() {
				return socket.toString();
			}

		}));
	}

	/**
	 * Stop connecting and close the connection.
	 */
	@Override
	public void close() {
		this.client.close();
	}

}
