package io.globalval.transport.channel;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.core.MasterHandler;
import io.globalval.core.NodeMetrics;
import io.globalval.core.NodeSettings;
import io.globalval.core.Peer;
import io.globalval.protocol.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a master's server refuses a peer that its admission turns away: logged, counted,
 * told why, and given a moment to read that before the connection closes.
 */
class ChannelMasterServerTests {

	private static final byte[] FAREWELL = "you may not connect".getBytes(StandardCharsets.US_ASCII);

	@TempDir
	Path directory;

	private final NodeMetrics metrics = new NodeMetrics();

	private ChannelMasterServer server;

	private Path socket;

	@BeforeEach
	void startRefusingServer() throws IOException {
		this.socket = this.directory.resolve("refusing.sock");
		ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		channel.bind(UnixDomainSocketAddress.of(this.socket));
		MasterHandler handler = new MasterHandler() {

			@Override
			public void received(Peer peer, Message message) {
				throw new AssertionError("a refused peer's frame was handled: " + message);
			}

			@Override
			public void disconnected(Peer peer, String reason) {
			}

			@Override
			public NodeMetrics metrics() {
				return ChannelMasterServerTests.this.metrics;
			}

		};
		this.server = ChannelMasterServer.start(NodeSettings.builder().directory(this.directory).build(), handler,
				channel, this.socket.toString(), (peer) -> {
					throw new PeerRefusedException("not welcome", FAREWELL);
				});
	}

	@AfterEach
	void stopServer() throws IOException {
		this.server.close();
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
	}

}
