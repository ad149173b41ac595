package io.globalval.transport.channel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.core.NodeMetrics;
import io.globalval.core.NodeSettings;
import io.globalval.core.Peer;
import io.globalval.core.WorkerHandler;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;

import static org.awaitility.Awaitility.await;

/**
 * How a worker's client reconnects: with a growing pause while the master turns it away
 * before a WELCOME, at once after a connection the master welcomed.
 */
class ChannelWorkerClientTests {

	@TempDir
	Path directory;

	private final AtomicInteger attempts = new AtomicInteger();

	private ServerSocketChannel server;

	private Thread acceptor;

	private ChannelWorkerClient client;

	@AfterEach
	void stop() throws Exception {
		try {
			if (this.client != null) {
				this.client.close();
			}
		}
		finally {
			if (this.server != null) {
				this.server.close();
			}
			if (this.acceptor != null) {
				this.acceptor.join(5000);
			}
		}
	}

	/**
	 * A master that accepts each connection and closes it, at once or, given a
	 * {@code greeting}, after the worker's hello has arrived and the greeting was sent.
	 */
	private void startServer(byte[] greeting) throws IOException {
		Path socket = this.directory.resolve("master.sock");
		this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.server.bind(UnixDomainSocketAddress.of(socket));
		this.acceptor = new Thread(() -> {
			try {
				while (true) {
					try (SocketChannel accepted = this.server.accept()) {
						this.attempts.incrementAndGet();
						if (greeting != null) {
							accepted.read(ByteBuffer.allocate(1024));
							accepted.write(ByteBuffer.wrap(greeting));
						}
					}
				}
			}
			catch (ClosedChannelException ex) {
				// the test is over
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}, "test-master");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
		NodeSettings settings = NodeSettings.builder().name("client-test").directory(this.directory).build();
		this.client = ChannelWorkerClient.start(settings, new IdleWorker(),
				new ChannelWorkerClient.Connector() {

					@Override
					public SocketChannel connect() throws IOException {
						SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
						try {
							channel.connect(UnixDomainSocketAddress.of(socket));
							return channel;
						}
						catch (IOException ex) {
							channel.close();
							throw ex;
						}
					}

					@Override
					public String describe() {
						return socket.toString();
					}

				});
	}

	@Test
	void workerClosedAtOnceByItsMasterReconnectsWithAGrowingPause() throws Exception {
		startServer(null);
		// 20, 40, 80, 160, 320, 640 ms: about seven attempts in the first second, not thousands
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> this.attempts.get() < 20);
	}

	@Test
	void workerWelcomedBeforeTheMasterClosesReconnectsAtOnce() throws Exception {
		startServer(FrameCodec.encode(new Message.Welcome(1, 42, 0, false, 0)));
		// with a growing pause twelve attempts would take over seven seconds
		await().atMost(Duration.ofSeconds(5)).until(() -> this.attempts.get() >= 12);
	}

	/** A worker that keeps connecting and ignores what it receives. */
	private static final class IdleWorker implements WorkerHandler {

		private final NodeMetrics metrics = new NodeMetrics();

		@Override
		public Message.Hello hello() {
			return new Message.Hello(Frame.PROTOCOL_VERSION, "client-test", 0, 0, 7, "worker", 1, EpochHistory.EMPTY);
		}

		@Override
		public void connected(Peer master) {
		}

		@Override
		public void received(Message message) {
		}

		@Override
		public void disconnected(String reason) {
		}

		@Override
		public boolean keepConnecting() {
			return true;
		}

		@Override
		public boolean masterUnreachable() {
			return false;
		}

		@Override
		public NodeMetrics metrics() {
			return this.metrics;
		}

	}

}
