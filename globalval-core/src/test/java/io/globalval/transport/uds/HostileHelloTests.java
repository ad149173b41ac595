package io.globalval.transport.uds;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.GlobalValNodes;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.RolePreference;
import io.globalval.protocol.ErrorCode;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Names in a HELLO come from the wire and end up in the master's logs: an overlong name
 * or one with control characters (a forged log line) is refused before it is quoted.
 */
class HostileHelloTests {

	@TempDir
	Path directory;

	private GlobalValNode master;

	@BeforeEach
	void startMaster() throws Exception {
		this.master = GlobalValNodes.start(
				NodeSettings.builder().name("names").directory(this.directory).role(RolePreference.MASTER).build());
		this.master.ready().get(10, TimeUnit.SECONDS);
	}

	@AfterEach
	void stopMaster() {
		this.master.close();
	}

	/** Send a HELLO and return the first frame the master answers with, within a bound. */
	private Message answerTo(Message.Hello hello) throws Exception {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(UdsTransport.socketFile(this.master.settings())));
			channel.write(ByteBuffer.wrap(FrameCodec.encode(hello)));
			CompletableFuture<Message> answer = CompletableFuture.supplyAsync(() -> readFrame(channel));
			try {
				return answer.get(10, TimeUnit.SECONDS);
			}
			finally {
				// unblocks the read if the master never answered
				channel.close();
			}
		}
	}

	private static Message readFrame(SocketChannel channel) {
		try {
			ByteBuffer length = readFully(channel, ByteBuffer.allocate(Frame.LENGTH_FIELD_BYTES));
			ByteBuffer frame = ByteBuffer.allocate(Frame.LENGTH_FIELD_BYTES + length.getInt(0)).put(length.flip());
			return FrameCodec.decode(readFully(channel, frame).array());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ByteBuffer readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			if (channel.read(buffer) < 0) {
				throw new IOException("closed after " + buffer.position() + " bytes");
			}
		}
		return buffer;
	}

	@Test
	void helloWithAForgedLogLineInItsNodeNameIsRefused() throws Exception {
		Message answer = answerTo(new Message.Hello(Frame.PROTOCOL_VERSION, "names", 0, 0, 99,
				"w\n12:00:00.000 [main] INFO forged", 1, EpochHistory.EMPTY));
		assertThat(answer).isEqualTo(new Message.Failure(0, ErrorCode.BAD_REQUEST,
				"HELLO refused: node name 'w\\u000a12:00:00.000 [main] INFO forge' holds control characters; "
						+ "use printable ones only"));
		assertThat(this.master.metrics().framesRejected()).isEqualTo(1);
		assertThat(this.master.workers()).isEmpty();
	}

	@Test
	void helloWithAHugeApplicationNameIsRefusedWithoutQuotingAllOfIt() throws Exception {
		Message answer = answerTo(
				new Message.Hello(Frame.PROTOCOL_VERSION, "n".repeat(1_000_000), 0, 0, 99, "worker", 1, EpochHistory.EMPTY));
		assertThat(answer).isEqualTo(new Message.Failure(0, ErrorCode.BAD_REQUEST, "HELLO refused: application name '"
				+ "n".repeat(32) + "...' is 1000000 characters, over the limit of 256; use a shorter one"));
		assertThat(this.master.metrics().framesRejected()).isEqualTo(1);
	}

	@Test
	void settingsWithSuchNamesAreRefusedBeforeAnythingStarts() {
		assertThatIllegalArgumentException().isThrownBy(() -> NodeSettings.builder().name("a\rb").build())
			.withMessage("globalval.name 'a\\u000db' holds control characters; use printable ones only");
		assertThatIllegalArgumentException().isThrownBy(() -> NodeSettings.builder().nodeName("x".repeat(300)).build())
			.withMessage("node name '" + "x".repeat(32) + "...' is 300 characters, over the limit of 256; use a "
					+ "shorter one");
	}

}
