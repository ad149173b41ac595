package io.globalval.transport.tcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.GlobalValNodes;
import io.globalval.GlobalValTemplate;
import io.globalval.core.GlobalValNode;
import io.globalval.core.MasterHandler;
import io.globalval.core.NodeMetrics;
import io.globalval.core.NodeSettings;
import io.globalval.core.Peer;
import io.globalval.core.RolePreference;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.protocol.WriteCommand;
import io.globalval.testsupport.NodeProcess;
import io.globalval.transport.channel.ChannelMasterServer;
import io.globalval.transport.channel.PeerRefusedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The TCP transport on real loopback sockets: only a peer that proves the shared secret
 * may send a frame, the master proves it too, and the master keeps serving the others.
 */
class TcpTransportTests {

	private static final String SECRET = "correct horse battery staple";

	private static final String APP = "tcp-app";

	private static final int READ_TIMEOUT_MILLIS = 10_000;

	@TempDir
	Path directory;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void closeEverything() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	private <T extends AutoCloseable> T closeLater(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private NodeSettings settings(RolePreference role) {
		return NodeSettings.builder()
			.name(APP)
			.directory(this.directory)
			.role(role)
			.writeTimeout(Duration.ofSeconds(10))
			.build();
	}

	private static TcpTransportSettings tcp(String secret) {
		return TcpTransportSettings.builder().secret(secret).build();
	}

	private GlobalValNode start(RolePreference role, String secret) {
		return closeLater(GlobalValNodes.builder(settings(role)).transport(new TcpTransport(tcp(secret))).start());
	}

	private GlobalValNode startMaster() throws Exception {
		GlobalValNode master = start(RolePreference.MASTER, SECRET);
		master.ready().get(10, TimeUnit.SECONDS);
		return master;
	}

	private int port() throws IOException {
		return TcpMasterServer.readPort(this.directory.resolve(TcpTransport.PORT_FILE));
	}

	private Socket connect(int port) throws IOException {
		Socket socket = closeLater(new Socket());
		socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
		socket.setSoTimeout(READ_TIMEOUT_MILLIS);
		return socket;
	}

	private static byte[] read(Socket socket, int length) throws IOException {
		byte[] bytes = socket.getInputStream().readNBytes(length);
		assertThat(bytes).as("bytes before the master closed the connection").hasSize(length);
		return bytes;
	}

	/** The worker's proof, computed from the documented wire format, not from the code. */
	private static byte[] workerProof(String secret, byte[] masterNonce, byte[] workerNonce) throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		mac.update("globalval tcp: worker to master".getBytes(StandardCharsets.US_ASCII));
		byte[] app = APP.getBytes(StandardCharsets.UTF_8);
		mac.update(ByteBuffer.allocate(4).putInt(app.length).array());
		mac.update(app);
		mac.update(masterNonce);
		mac.update(workerNonce);
		return mac.doFinal();
	}

	private static byte[] answer(byte[] challenge, String secret) throws Exception {
		byte[] masterNonce = Arrays.copyOfRange(challenge, 8, 40);
		byte[] workerNonce = new byte[32];
		Arrays.fill(workerNonce, (byte) 7);
		return ByteBuffer.allocate(72)
			.put("gvaltcp1".getBytes(StandardCharsets.US_ASCII))
			.put(workerNonce)
			.put(workerProof(secret, masterNonce, workerNonce))
			.array();
	}

	private static Message readFrame(Socket socket) throws IOException {
		byte[] length = read(socket, Frame.LENGTH_FIELD_BYTES);
		byte[] rest = read(socket, ByteBuffer.wrap(length).getInt());
		return FrameCodec.decode(ByteBuffer.allocate(length.length + rest.length).put(length).put(rest).array());
	}

	private static byte[] hello(int nodeId) {
		return FrameCodec.encode(new Message.Hello(Frame.PROTOCOL_VERSION, APP, 0, 0, nodeId, "raw", 1, EpochHistory.EMPTY));
	}

	private static void assertClosedByPeer(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		// whatever the master sent before closing (a refusal, replies) ends in end of stream
		while (in.read() >= 0) {
			// drain
		}
	}

	@Test
	void setInWorkerIsSeenInMasterWithTheRightSecret() throws Exception {
		GlobalValNode master = startMaster();
		GlobalValNode worker = start(RolePreference.WORKER, SECRET);
		worker.ready().get(10, TimeUnit.SECONDS);
		assertThat(worker.sequencerAddress()).isEqualTo("127.0.0.1:" + port());
		assertThat(master.sequencerAddress()).isEqualTo("127.0.0.1:" + port());
		GlobalValTemplate workerValues = new GlobalValTemplate(worker);
		long revision = workerValues.set("greeting", Map.of("text", "hello over tcp")).get(10, TimeUnit.SECONDS);
		GlobalValTemplate masterValues = new GlobalValTemplate(master);
		masterValues.awaitRevision(revision).get(10, TimeUnit.SECONDS);
		assertThat(masterValues.get("greeting")).isEqualTo(Map.of("text", "hello over tcp"));
		long back = masterValues.set("answer", 42).get(10, TimeUnit.SECONDS);
		workerValues.awaitRevision(back).get(10, TimeUnit.SECONDS);
		assertThat(workerValues.get("answer")).isEqualTo(42);
		assertThat(master.metrics().framesRejected()).isZero();
	}

	@Test
	void setInAWorkerProcessIsSeenInTheMasterProcess() throws Exception {
		Path log = Files.createTempFile("globalval-tcp", ".log");
		List<String> options = List.of("transport=TCP", "tcpSecret=" + SECRET);
		NodeProcess master = closeLater(
				NodeProcess.start(this.directory, "MASTER", APP, log, List.of("-Xmx128m"), options));
		NodeProcess worker = closeLater(
				NodeProcess.start(this.directory, "WORKER", APP, log, List.of("-Xmx128m"), options));
		assertThat(master.role()).isEqualTo("MASTER");
		assertThat(worker.role()).isEqualTo("WORKER");
		long revision = Long.parseLong(worker.call("set across {\"over\":\"tcp\"}"));
		master.call("await " + revision);
		assertThat(master.call("get across")).isEqualTo("{\"over\":\"tcp\"}");
		assertThat(master.call("rejected")).isEqualTo("0");
	}

	@Test
	void workerWithAWrongSecretIsRefusedWhileOthersAreServed() throws Exception {
		GlobalValNode master = startMaster();
		GlobalValNode wrong = start(RolePreference.WORKER, "not the secret at all");
		await().atMost(Duration.ofSeconds(10)).until(() -> master.metrics().framesRejected() >= 1);
		assertThat(wrong.ready()).isNotDone();
		assertThat(wrong.isConnected()).isFalse();
		assertThat(master.workers()).isEmpty();
		GlobalValNode right = start(RolePreference.WORKER, SECRET);
		right.ready().get(10, TimeUnit.SECONDS);
		long revision = new GlobalValTemplate(right).set("still", "served").get(10, TimeUnit.SECONDS);
		master.awaitRevision(revision).get(10, TimeUnit.SECONDS);
		assertThat(master.replica().get("still")).isEqualTo("served");
		assertThat(wrong.ready()).isNotDone();
		assertThat(master.workers()).hasSize(1);
	}

	@Test
	void peerThatSendsFramesInsteadOfTheHandshakeIsRefusedAndNothingIsApplied() throws Exception {
		GlobalValNode master = startMaster();
		Socket socket = connect(port());
		byte[] challenge = read(socket, 40);
		assertThat(new String(challenge, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("gvaltcp1");
		ByteArrayOutputStream frames = new ByteArrayOutputStream();
		frames.write(hello(12345));
		for (int i = 0; i < 10; i++) {
			frames.write(FrameCodec
				.encode(new WriteCommand.SetValue(i + 1, "intruder", "1".getBytes(StandardCharsets.US_ASCII), 0)));
		}
		// exactly as much as an answer to the challenge: the master reads it all before it
		// refuses, so its close is a clean end of stream, not a reset
		socket.getOutputStream().write(Arrays.copyOf(frames.toByteArray(), TcpHandshake.RESPONSE_BYTES));
		assertThat(read(socket, 1)).containsExactly(TcpHandshake.REFUSED);
		assertClosedByPeer(socket);
		assertThat(master.metrics().framesRejected()).isEqualTo(1);
		assertThat(master.replica().get("intruder")).isNull();
		assertThat(master.workers()).isEmpty();
	}

	@Test
	void peerThatAnswersTheChallengeWithAWrongSecretIsRefused() throws Exception {
		GlobalValNode master = startMaster();
		Socket socket = connect(port());
		byte[] challenge = read(socket, 40);
		socket.getOutputStream().write(answer(challenge, "a guess that is long enough"));
		assertThat(read(socket, 1)).containsExactly(TcpHandshake.REFUSED);
		assertClosedByPeer(socket);
		assertThat(master.metrics().framesRejected()).isEqualTo(1);
	}

	@Test
	void peerWithTheRightSecretIsAdmittedAndSeesTheMastersProof() throws Exception {
		startMaster();
		Socket socket = connect(port());
		byte[] challenge = read(socket, 40);
		socket.getOutputStream().write(answer(challenge, SECRET));
		byte[] verdict = read(socket, 33);
		assertThat(verdict[0]).isEqualTo(TcpHandshake.ADMITTED);
		socket.getOutputStream().write(hello(4242));
		assertThat(readFrame(socket)).isInstanceOf(Message.Welcome.class);
	}

	@Test
	void replayedAnswerOfAnEarlierConnectionIsRefused() throws Exception {
		GlobalValNode master = startMaster();
		Socket first = connect(port());
		byte[] answer = answer(read(first, 40), SECRET);
		first.getOutputStream().write(answer);
		assertThat(read(first, 33)[0]).isEqualTo(TcpHandshake.ADMITTED);
		Socket second = connect(port());
		read(second, 40);
		second.getOutputStream().write(answer);
		assertThat(read(second, 1)).containsExactly(TcpHandshake.REFUSED);
		assertClosedByPeer(second);
		assertThat(master.metrics().framesRejected()).isEqualTo(1);
	}

	@Test
	void workerRefusesAnImpostorThatCannotProveTheSecret() throws Exception {
		TcpHandshake handshake = new TcpHandshake(APP, SECRET, READ_TIMEOUT_MILLIS);
		try (ServerSocket impostor = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
				try (Socket socket = impostor.accept()) {
					socket.setSoTimeout(READ_TIMEOUT_MILLIS);
					OutputStream out = socket.getOutputStream();
					out.write("gvaltcp1".getBytes(StandardCharsets.US_ASCII));
					out.write(new byte[32]);
					byte[] response = socket.getInputStream().readNBytes(72);
					out.write(TcpHandshake.ADMITTED);
					out.write(new byte[32]);
					// a worker that trusted this would send its HELLO next
					byte[] more = socket.getInputStream().readNBytes(1);
					return (more.length == 0) ? response : null;
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			try (SocketChannel channel = SocketChannel.open(new InetSocketAddress(impostor.getInetAddress(),
					impostor.getLocalPort()))) {
				assertThatExceptionOfType(PeerRefusedException.class)
					.isThrownBy(() -> handshake.connect(channel, "the impostor"))
					.withMessage("The process at the impostor did not prove that it knows globalval.tcp.secret, so it "
							+ "is not the master of 'tcp-app' (or its secret differs); not sending it anything");
			}
			assertThat(received.get(10, TimeUnit.SECONDS)).hasSize(72);
		}
	}

	@Test
	void peerThatStallsTheHandshakeIsRefusedAfterTheTimeout() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		TcpMasterServer server = closeLater(TcpMasterServer.start(settings(RolePreference.MASTER), tcp(SECRET), handler,
				new TcpHandshake(APP, SECRET, 200)));
		Socket socket = connect(server.address().getPort());
		read(socket, 40);
		assertClosedByPeer(socket);
		await().atMost(Duration.ofSeconds(10)).until(() -> handler.metrics().framesRejected() == 1);
		assertThat(handler.messages).isEmpty();
	}

	@Test
	void peerThatTricklesItsAnswerIsRefusedWhenTheWholeHandshakeTakesTooLong() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		TcpMasterServer server = closeLater(TcpMasterServer.start(settings(RolePreference.MASTER), tcp(SECRET), handler,
				new TcpHandshake(APP, SECRET, 1000)));
		Socket socket = connect(server.address().getPort());
		read(socket, 40);
		ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
		try {
			// one byte every 200 ms: each read waits far less than the timeout, the whole answer far more
			OutputStream out = socket.getOutputStream();
			trickle.scheduleAtFixedRate(() -> {
				try {
					out.write('g');
					out.flush();
				}
				catch (IOException ex) {
					throw new IllegalStateException("closed by the master", ex);
				}
			}, 0, 200, TimeUnit.MILLISECONDS);
			CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
				try {
					assertClosedByPeer(socket);
				}
				catch (IOException ex) {
					// a reset after the master closed ends the connection too
				}
			});
			closed.get(5, TimeUnit.SECONDS);
		}
		finally {
			trickle.shutdownNow();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> handler.metrics().framesRejected() == 1);
		assertThat(handler.messages).isEmpty();
	}

	@Test
	void connectionsBeyondThePendingHandshakeLimitAreClosedAtOnce() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		TcpMasterServer server = closeLater(TcpMasterServer.start(settings(RolePreference.MASTER), tcp(SECRET), handler,
				new TcpHandshake(APP, SECRET, 60_000)));
		int port = server.address().getPort();
		for (int i = 0; i < ChannelMasterServer.MAX_PENDING_ADMISSIONS; i++) {
			// each one has its challenge, so each one is waiting in admission
			read(connect(port), 40);
		}
		Socket oneTooMany = connect(port);
		assertThat(oneTooMany.getInputStream().read()).isEqualTo(-1);
		assertThat(handler.metrics().framesRejected()).isEqualTo(1);
	}

	@Test
	void tcpSettingsWithoutASecretOrWithAShortOneAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TcpTransportSettings.builder().host("0.0.0.0").build())
			.withMessage("globalval.transport=tcp requires globalval.tcp.secret: without it anyone who can reach "
					+ "0.0.0.0 could read and write every value; set the same secret of at least 16 characters in "
					+ "every process");
		assertThatIllegalArgumentException().isThrownBy(() -> tcp("short"))
			.withMessage("globalval.tcp.secret is 5 characters, under the minimum of 16; use a long random one "
					+ "(e.g. from 'openssl rand -base64 32')");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TcpTransportSettings.builder().port(65536).secret(SECRET).build())
			.withMessage("globalval.tcp.port must be 0 (any free port) to 65535, was 65536");
	}

	@Test
	void secretIsNeverShownInTheSettingsDescription() {
		assertThat(tcp(SECRET).toString()).doesNotContain(SECRET).contains("secret=******");
	}

	@Test
	void closingTheMasterRemovesItsPortFile() throws Exception {
		GlobalValNode master = startMaster();
		Path portFile = this.directory.resolve(TcpTransport.PORT_FILE);
		assertThat(portFile).exists();
		assertThat(Files.getPosixFilePermissions(portFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		master.close();
		assertThat(portFile).doesNotExist();
	}

	/** A master that records what admitted peers send. */
	static final class RecordingHandler implements MasterHandler {

		private final NodeMetrics metrics = new NodeMetrics();

		final List<Message> messages = new CopyOnWriteArrayList<>();

		@Override
		public void received(Peer peer, Message message) {
			this.messages.add(message);
		}

		@Override
		public void disconnected(Peer peer, String reason) {
		}

		@Override
		public NodeMetrics metrics() {
			return this.metrics;
		}

	}

}
