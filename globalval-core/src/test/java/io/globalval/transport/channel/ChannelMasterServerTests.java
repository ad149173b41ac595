package io.globalval.transport.channel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.core.MasterHandler;
import io.globalval.core.NodeMetrics;
import io.globalval.core.NodeSettings;
import io.globalval.core.Peer;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a master's server refuses a peer that its admission turns away (logged, counted,
 * told why, and given a moment to read that before the connection closes), and closes an
 * admitted peer that does not send its HELLO in time.
 */
class ChannelMasterServerTests {

	private static final byte[] FAREWELL = "you may not connect".getBytes(StandardCharsets.US_ASCII);

	@TempDir
	Path directory;

	private final NodeMetrics metrics = new NodeMetrics();

	private ChannelMasterServer server;

	private Path socket;

	private final List<Message> received = new CopyOnWriteArrayList<>();

	private final List<String> disconnected = new CopyOnWriteArrayList<>();

	private void startServer(PeerAdmission admission, long helloTimeoutNanos) throws IOException {
		this.socket = this.directory.resolve("master.sock");
		ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		channel.bind(UnixDomainSocketAddress.of(this.socket));
		MasterHandler handler = new MasterHandler() {

			@Override
			public void received(Peer peer, Message message) {
				ChannelMasterServerTests.this.received.add(message);
			}

			@Override
			public void disconnected(Peer peer, String reason) {
				ChannelMasterServerTests.this.disconnected.add(reason);
			}

			@Override
			public NodeMetrics metrics() {
				return ChannelMasterServerTests.this.metrics;
			}

		};
		this.server = ChannelMasterServer.start(NodeSettings.builder().directory(this.directory).build(), handler,
				channel, this.socket.toString(), admission, helloTimeoutNanos);
	}

	private void startRefusingServer() throws IOException {
		startServer((peer) -> {
			throw new PeerRefusedException("not welcome", FAREWELL);
		}, ChannelMasterServer.HELLO_TIMEOUT_NANOS);
	}

	@AfterEach
	void stopServer() throws IOException {
		if (this.server != null) {
			this.server.close();
		}
	}

	private SocketChannel connect() throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		channel.connect(UnixDomainSocketAddress.of(this.socket));
		return channel;
	}

	/** Read until the end of the stream, on another thread, waiting at most a while. */
	private static byte[] readToEnd(SocketChannel channel) throws Exception {
		CompletableFuture<byte[]> all = CompletableFuture.supplyAsync(() -> {
			ByteBuffer buffer = ByteBuffer.allocate(1024);
			try {
				while (channel.read(buffer) >= 0) {
					// until the server closes
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			return Arrays.copyOf(buffer.array(), buffer.position());
		});
		return all.get(10, TimeUnit.SECONDS);
	}

	@Test
	void refusedPeerThatWritesAfterTheRefusalStillReadsWhy() throws Exception {
		startRefusingServer();
		try (SocketChannel channel = connect()) {
			ByteBuffer farewell = ByteBuffer.allocate(FAREWELL.length);
			while (farewell.hasRemaining()) {
				assertThat(channel.read(farewell)).isNotNegative();
			}
			assertThat(farewell.array()).isEqualTo(FAREWELL);
			// the server has refused already; a worker's hello may only go out now
			channel.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
			assertThat(readToEnd(channel)).isEmpty();
		}
		assertThat(this.metrics.framesRejected()).isEqualTo(1);
	}

	@Test
	void refusedPeerThatNeverStopsWritingIsClosedAnyway() throws Exception {
		startRefusingServer();
		try (SocketChannel channel = connect()) {
			CompletableFuture<IOException> failure = CompletableFuture.supplyAsync(() -> {
				ByteBuffer junk = ByteBuffer.allocate(16 * 1024);
				try {
					while (true) {
						channel.write(junk.clear());
					}
				}
				catch (IOException ex) {
					return ex;
				}
			});
			// the server stops lingering after a bounded time or amount, and closes
			assertThat(failure.get(30, TimeUnit.SECONDS)).isNotNull();
		}
		assertThat(this.metrics.framesRejected()).isEqualTo(1);
		assertThat(this.received).isEmpty();
	}

	@Test
	void admittedPeerThatSendsNoHelloIsClosedAfterTheHelloTimeout() throws Exception {
		startServer((peer) -> {
		}, TimeUnit.MILLISECONDS.toNanos(300));
		try (SocketChannel channel = connect()) {
			assertThat(readToEnd(channel)).isEmpty();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.metrics.framesRejected() == 1);
		assertThat(this.disconnected).singleElement().asString().contains("sent no HELLO within 300 ms");
	}

	@Test
	void admittedPeerThatTricklesItsHelloIsClosedWhenTheWholeHelloTakesTooLong() throws Exception {
		startServer((peer) -> {
		}, TimeUnit.MILLISECONDS.toNanos(500));
		ByteBuffer hello = ByteBuffer.wrap(hello());
		ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
		try (SocketChannel channel = connect()) {
			// one byte every 100 ms: each read waits far less than the timeout, the whole frame far more
			trickle.scheduleAtFixedRate(() -> {
				try {
					channel.write(hello.slice(hello.position(), 1));
					hello.position(hello.position() + 1);
				}
				catch (IOException ex) {
					throw new IllegalStateException("closed by the master", ex);
				}
			}, 0, 100, TimeUnit.MILLISECONDS);
			assertThat(readToEnd(channel)).isEmpty();
			assertThat(hello.hasRemaining()).as("the master waited for the whole hello").isTrue();
		}
		finally {
			trickle.shutdownNow();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.metrics.framesRejected() == 1);
		assertThat(this.received).isEmpty();
	}

	@Test
	void peerThatSendsItsHelloInTimeStaysConnectedPastTheHelloTimeout() throws Exception {
		startServer((peer) -> {
		}, TimeUnit.MILLISECONDS.toNanos(300));
		try (SocketChannel channel = connect()) {
			channel.write(ByteBuffer.wrap(hello()));
			await().atMost(Duration.ofSeconds(10)).until(() -> this.received.size() == 1);
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(this.disconnected::isEmpty);
		}
		assertThat(this.metrics.framesRejected()).isZero();
	}

	private static byte[] hello() {
		return FrameCodec.encode(new Message.Hello(Frame.PROTOCOL_VERSION, "app", 0, 0, 7, "worker", 1, EpochHistory.EMPTY));
	}

}
