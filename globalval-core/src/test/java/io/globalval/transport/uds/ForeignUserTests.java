package io.globalval.transport.uds;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.GlobalValNodes;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.RolePreference;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.ErrorCode;
import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.testsupport.RawSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client run as another operating-system user ({@code nobody}, through
 * {@code setpriv}) cannot join: the private socket directory keeps it out, and with the
 * permissions deliberately opened, the master's {@code SO_PEERCRED} check refuses it.
 * Needs root (to switch users) and {@code setpriv}; the client is a copy of one JDK-only
 * class that {@code nobody} can read.
 */
class ForeignUserTests {

	private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

	private static final int CLIENT_TIMEOUT_SECONDS = 30;

	@TempDir
	Path temp;

	private Path clientClasses;

	private GlobalValNode master;

	private final List<Process> clients = new ArrayList<>();

	@BeforeEach
	void startMasterAndCopyClient() throws Exception {
		// the build runs as root here and in CI, which is what switching to another user needs
		assertThat(Files.getAttribute(this.temp, "unix:uid"))
			.as("this test runs a client as another user, which needs root").isEqualTo(0);
		assertThat(Files.isExecutable(SETPRIV)).as("setpriv (util-linux) is installed").isTrue();
		// nobody may pass through the test's directory, but not list it
		Files.setPosixFilePermissions(this.temp, PosixFilePermissions.fromString("rwx--x--x"));
		this.clientClasses = copyClientClass();
		this.master = GlobalValNodes.start(NodeSettings.builder()
			.name("private")
			.directory(this.temp.resolve("app"))
			.role(RolePreference.MASTER)
			.build());
		this.master.ready().get(10, TimeUnit.SECONDS);
	}

	@AfterEach
	void stopEverything() throws InterruptedException {
		for (Process client : this.clients) {
			client.destroyForcibly();
			client.waitFor(10, TimeUnit.SECONDS);
		}
		if (this.master != null) {
			this.master.close();
		}
	}

	private Path copyClientClass() throws IOException, URISyntaxException {
		String name = RawSocketClient.class.getName().replace('.', '/') + ".class";
		Path source = Path.of(RawSocketClient.class.getResource("/" + name).toURI());
		Path root = this.temp.resolve("client");
		Path target = root.resolve(name);
		Files.createDirectories(target.getParent());
		Files.copy(source, target);
		try (var paths = Files.walk(root)) {
			for (Path path : paths.toList()) {
				Files.setPosixFilePermissions(path,
						PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
			}
		}
		return root;
	}

	private String runClient(boolean asNobody, int frames) throws Exception {
		List<String> command = new ArrayList<>();
		if (asNobody) {
			command.addAll(List.of(SETPRIV.toString(), "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
		}
		command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData",
				"-Xmx32m", "-cp", this.clientClasses.toString(), RawSocketClient.class.getName(),
				UdsTransport.socketFile(this.master.settings()).toString(),
				HexFormat.of().formatHex(FrameCodec.encode(new Message.Hello(Frame.PROTOCOL_VERSION, "private", 0, 0,
						777, "foreign", 1, EpochHistory.EMPTY)))));
		if (frames > 0) {
			command.add(String.valueOf(frames));
		}
		Process client = new ProcessBuilder(command).directory(this.clientClasses.toFile())
			.redirectErrorStream(true)
			.start();
		this.clients.add(client);
		assertThat(client.waitFor(CLIENT_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("client finished").isTrue();
		String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		assertThat(client.exitValue()).as(output).isZero();
		return output;
	}

	private static byte[] received(String output) {
		assertThat(output).startsWith("received ");
		return HexFormat.of().parseHex(output.substring("received ".length()));
	}

	private static Message firstFrame(byte[] bytes) {
		int length = Frame.LENGTH_FIELD_BYTES + ByteBuffer.wrap(bytes, 0, Frame.LENGTH_FIELD_BYTES).getInt();
		return FrameCodec.decode(Arrays.copyOf(bytes, length));
	}

	private static Message onlyFrame(String output) {
		byte[] bytes = received(output);
		Message message = firstFrame(bytes);
		assertThat(FrameCodec.encode(message)).as("everything the client received").isEqualTo(bytes);
		return message;
	}

	private void openPermissions() throws IOException {
		Files.setPosixFilePermissions(this.master.settings().directory(), PosixFilePermissions.fromString("rwxrwxrwx"));
		Files.setPosixFilePermissions(UdsTransport.socketFile(this.master.settings()),
				PosixFilePermissions.fromString("rw-rw-rw-"));
	}

	@Test
	void anotherUserCannotReachTheSocketInThePrivateDirectory() throws Exception {
		assertThat(Files.getPosixFilePermissions(this.master.settings().directory()))
			.isEqualTo(PosixFilePermissions.fromString("rwx------"));
		assertThat(Files.getPosixFilePermissions(UdsTransport.socketFile(this.master.settings())))
			.isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(runClient(true, 0)).startsWith("connect-failed").contains("Permission denied");
		assertThat(this.master.workers()).isEmpty();
	}

	@Test
	void anotherUserIsRefusedByPeerCredentialsEvenWithOpenedPermissions() throws Exception {
		openPermissions();
		Message refusal = onlyFrame(runClient(true, 0));
		assertThat(refusal).isEqualTo(new Message.Failure(0, ErrorCode.UNAUTHORIZED,
				"Connection from user 'nobody' (group 'nogroup') refused: the master of 'private' runs as 'root' and "
						+ "admits only that user; run every process of the application as the same user"));
		assertThat(this.master.metrics().framesRejected()).isEqualTo(1);
		assertThat(this.master.workers()).isEmpty();
	}

	@Test
	void theSameClientRunAsTheMastersUserIsWelcomed() throws Exception {
		openPermissions();
		assertThat(firstFrame(received(runClient(false, 1)))).isInstanceOf(Message.Welcome.class);
		assertThat(this.master.metrics().framesRejected()).isZero();
	}

}
