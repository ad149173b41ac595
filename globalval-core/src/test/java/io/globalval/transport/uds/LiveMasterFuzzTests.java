package io.globalval.transport.uds;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValNodes;
import io.globalval.GlobalValTemplate;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.RolePreference;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.FrameType;
import io.globalval.protocol.Message;
import io.globalval.protocol.WriteCommand;
import io.globalval.testsupport.NodeProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A live master in its own small JVM ({@value #MASTER_HEAP}) is fed at least
 * {@value #MIN_FRAMES} random and mutated frames over many real connections: garbage,
 * unknown types, oversized and stalled lengths, frames before HELLO, HELLO and then
 * hostile requests and mutated frames, disconnects in the middle of a frame. Meanwhile a
 * well-behaved worker keeps writing and reading and never sees an error. Afterwards the
 * master is alive, answers, has counted the rejections, holds little heap and no leftover
 * threads, and its log shows no exception that escaped. Seeds are fixed per thread so a
 * failure can be replayed.
 */
class LiveMasterFuzzTests {

	private static final Logger logger = LoggerFactory.getLogger(LiveMasterFuzzTests.class);

	private static final String MASTER_HEAP = "-Xmx128m";

	private static final int MIN_FRAMES = 100_000;

	private static final int FUZZ_THREADS = 4;

	private static final long SEED = 0x5EC_F022L;

	/** What the master may still hold after a full collection, far below its heap. */
	private static final long MAX_HEAP_AFTER_BYTES = 64L * 1024 * 1024;

	private static final int MAX_FRAME_SIZE = 16 * 1024 * 1024;

	private static final String APP = "fuzz";

	private static final Duration FUZZ_TIMEOUT = Duration.ofSeconds(120);

	@TempDir
	Path directory;

	private NodeProcess master;

	private GlobalValNode worker;

	private ExecutorService executor;

	@AfterEach
	void stopEverything() throws InterruptedException {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		if (this.worker != null) {
			this.worker.close();
		}
		if (this.master != null) {
			this.master.close();
		}
	}

	/** The kinds of connection the fuzzer opens; each but the mutated ones ends refused. */
	enum Session {

		/** Random bytes, with a random length field. */
		GARBAGE,
		/** A well-formed frame of a type code no one knows. */
		UNKNOWN_TYPE,
		/** A length field over the maximum, zero or negative. */
		BAD_LENGTH,
		/** A large length and part of its bytes, then the connection closes. */
		STALLED_LARGE_FRAME,
		/** A valid request before HELLO. */
		BEFORE_HELLO,
		/** A HELLO of another application or protocol version. */
		WRONG_HELLO,
		/** A valid HELLO, then half a frame, then the connection closes. */
		HELLO_THEN_CUT,
		/** A valid HELLO, then hostile requests and mutated frames until the master closes. */
		HELLO_THEN_MUTATED

	}

	@Test
	void liveMasterSurvivesRandomAndMutatedFramesAndKeepsServingAWellBehavedWorker() throws Exception {
		Path log = Files.createTempFile("globalval-fuzz", ".log");
		this.master = NodeProcess.start(this.directory, "MASTER", APP, log, List.of(MASTER_HEAP),
				List.of("maxQueuedBytes=" + (1024 * 1024)));
		int threadsBefore = Integer.parseInt(this.master.call("threads"));
		this.worker = GlobalValNodes.start(NodeSettings.builder()
			.name(APP)
			.directory(this.directory)
			.role(RolePreference.WORKER)
			.writeTimeout(Duration.ofSeconds(30))
			.build());
		this.worker.ready().get(30, TimeUnit.SECONDS);
		Path socket = this.directory.resolve(UdsTransport.SOCKET_FILE);

		AtomicBoolean fuzzing = new AtomicBoolean(true);
		WellBehavedWorker wellBehaved = new WellBehavedWorker(new GlobalValTemplate(this.worker), fuzzing);
		this.executor = Executors.newFixedThreadPool(FUZZ_THREADS + 1);
		Future<?> writer = this.executor.submit(wellBehaved);
		AtomicLong frames = new AtomicLong();
		Map<Session, LongAdder> sessions = new EnumMap<>(Session.class);
		for (Session session : Session.values()) {
			sessions.put(session, new LongAdder());
		}
		List<Future<?>> fuzzers = new ArrayList<>();
		for (int i = 0; i < FUZZ_THREADS; i++) {
			Fuzzer fuzzer = new Fuzzer(socket, new Random(SEED + i), frames, sessions);
			fuzzers.add(this.executor.submit(fuzzer::run));
		}
		for (Future<?> fuzzer : fuzzers) {
			fuzzer.get(FUZZ_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		long writesDuringFuzzing = wellBehaved.writes.sum();
		fuzzing.set(false);
		writer.get(60, TimeUnit.SECONDS);

		long rejected = Long.parseLong(this.master.call("rejected"));
		long heap = Long.parseLong(this.master.call("heap"));
		long refusedSessions = sessions.entrySet()
			.stream()
			.filter((entry) -> entry.getKey() != Session.HELLO_THEN_MUTATED && entry.getKey() != Session.GARBAGE)
			.mapToLong((entry) -> entry.getValue().sum())
			.sum();
		logger.info("Sent {} frames in {} sessions {}; the master rejected {}, holds {} bytes of heap after a GC; "
				+ "the well-behaved worker made {} writes while fuzzed", frames.get(),
				sessions.values().stream().mapToLong(LongAdder::sum).sum(), sessions, rejected, heap,
				writesDuringFuzzing);

		assertThat(frames.get()).isGreaterThanOrEqualTo(MIN_FRAMES);
		assertThat(wellBehaved.errors).isEmpty();
		assertThat(writesDuringFuzzing).isPositive();
		assertThat(this.master.process().isAlive()).isTrue();
		assertThat(rejected).isGreaterThanOrEqualTo(refusedSessions);
		assertThat(heap).isLessThan(MAX_HEAP_AFTER_BYTES);
		// every hostile connection is gone, and its threads with it
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(Integer.parseInt(this.master.call("threads")))
				.isLessThanOrEqualTo(threadsBefore + 4));
		logger.info("The master had {} threads before the well-behaved worker joined, {} after the fuzzing",
				threadsBefore, this.master.call("threads"));
		// the master still answers: a write through it reaches both sides
		GlobalValTemplate values = new GlobalValTemplate(this.worker);
		long revision = values.set("after-fuzz", "still here").get(30, TimeUnit.SECONDS);
		this.master.call("await " + revision);
		assertThat(this.master.call("get after-fuzz")).isEqualTo("\"still here\"");
		assertThat(this.master.call("get good-" + wellBehaved.lastKey))
			.isEqualTo(String.valueOf(wellBehaved.lastValue));
		String masterLog = Files.readString(log);
		// nothing hostile may reach the generic handlers: no escaped or unexpected exception
		assertThat(masterLog).doesNotContain("Exception in thread", "OutOfMemoryError", "StackOverflowError",
				"Handling a frame from", "Sequencer failed on");
	}

	/** Sets and reads its own keys for as long as the fuzzing lasts, and a little more. */
	static final class WellBehavedWorker implements Runnable {

		private final GlobalValTemplate values;

		private final AtomicBoolean fuzzing;

		final List<String> errors = new ArrayList<>();

		final LongAdder writes = new LongAdder();

		volatile int lastKey;

		volatile long lastValue;

		WellBehavedWorker(GlobalValTemplate values, AtomicBoolean fuzzing) {
			this.values = values;
			this.fuzzing = fuzzing;
		}

		@Override
		public void run() {
			long i = 0;
			while (this.fuzzing.get() && this.errors.isEmpty()) {
				int key = (int) (i % 50);
				try {
					long revision = this.values.set("good-" + key, i).get(30, TimeUnit.SECONDS);
					this.values.awaitRevision(revision).get(30, TimeUnit.SECONDS);
					Object read = this.values.get("good-" + key);
					if (!(read instanceof Number number) || number.longValue() != i) {
						this.errors.add("read " + read + " from good-" + key + " after writing " + i);
					}
					this.lastKey = key;
					this.lastValue = i;
					this.writes.increment();
				}
				catch (Exception ex) {
					this.errors.add("write " + i + " failed: " + ex);
				}
				i++;
			}
		}

	}

	/** Opens connection after connection to the master and sends each something hostile. */
	static final class Fuzzer {

		private static final byte[] UNKNOWN_TYPES = { 0x00, 0x06, 0x0F, 0x15, 0x24, 0x31, 0x42, 0x7F, (byte) 0x80,
				(byte) 0xFF };

		private static final int[] BAD_LENGTHS = { 0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, MAX_FRAME_SIZE + 1,
				0x7FFF_FFF0, -123_456 };

		private final Path socket;

		private final Random random;

		private final AtomicLong frames;

		private final Map<Session, LongAdder> sessions;

		private final ByteBuffer drain = ByteBuffer.allocate(64 * 1024);

		Fuzzer(Path socket, Random random, AtomicLong frames, Map<Session, LongAdder> sessions) {
			this.socket = socket;
			this.random = random;
			this.frames = frames;
			this.sessions = sessions;
		}

		void run() {
			while (this.frames.get() < MIN_FRAMES && !Thread.currentThread().isInterrupted()) {
				Session session = pickSession();
				try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
					channel.connect(UnixDomainSocketAddress.of(this.socket));
					this.sessions.get(session).increment();
					play(session, channel);
				}
				catch (IOException ex) {
					// the master closed the connection: the point of most sessions
				}
			}
		}

		private Session pickSession() {
			int roll = this.random.nextInt(100);
			if (roll < 50) {
				return Session.HELLO_THEN_MUTATED;
			}
			Session[] refused = Arrays.copyOf(Session.values(), Session.values().length - 1);
			return refused[this.random.nextInt(refused.length)];
		}

		private void play(Session session, SocketChannel channel) throws IOException {
			switch (session) {
				case GARBAGE -> send(channel, randomBytes(1 + this.random.nextInt(2000)));
				case UNKNOWN_TYPE -> {
					byte[] frame = FrameCodec.encode(new Message.Pong(this.random.nextLong(), 1));
					frame[Frame.LENGTH_FIELD_BYTES] = UNKNOWN_TYPES[this.random.nextInt(UNKNOWN_TYPES.length)];
					send(channel, frame);
				}
				case BAD_LENGTH -> send(channel, ByteBuffer.allocate(Frame.HEADER_BYTES + 16)
					.putInt(BAD_LENGTHS[this.random.nextInt(BAD_LENGTHS.length)])
					.put((byte) FrameType.SET.code())
					.array());
				case STALLED_LARGE_FRAME -> {
					int length = 100_000 + this.random.nextInt(MAX_FRAME_SIZE - 100_000);
					ByteBuffer start = ByteBuffer.allocate(Frame.HEADER_BYTES + this.random.nextInt(200_000))
						.putInt(length)
						.put((byte) FrameType.SET.code());
					send(channel, start.array());
				}
				case BEFORE_HELLO -> send(channel, FrameCodec.encode(hostileRequest()));
				case WRONG_HELLO -> send(channel, FrameCodec.encode(this.random.nextBoolean()
						? new Message.Hello(Frame.PROTOCOL_VERSION, "not-" + APP, 0, 0, nodeId(), "fuzzer", 1, EpochHistory.EMPTY)
						: new Message.Hello(Frame.PROTOCOL_VERSION + 1 + this.random.nextInt(100), APP, 0, 0, nodeId(),
								"fuzzer", 1, EpochHistory.EMPTY)));
				case HELLO_THEN_CUT -> {
					send(channel, hello());
					byte[] frame = FrameCodec.encode(hostileRequest());
					send(channel, Arrays.copyOf(frame, 1 + this.random.nextInt(frame.length - 1)));
				}
				case HELLO_THEN_MUTATED -> {
					send(channel, hello());
					int count = 1 + this.random.nextInt(400);
					for (int i = 0; i < count; i++) {
						byte[] frame = FrameCodec.encode(hostileRequest());
						send(channel, (this.random.nextInt(100) < 5) ? mutate(frame) : frame);
						if (i % 16 == 0) {
							drain(channel);
						}
					}
				}
			}
		}

		private void send(SocketChannel channel, byte[] bytes) throws IOException {
			ByteBuffer buffer = ByteBuffer.wrap(bytes);
			while (buffer.hasRemaining()) {
				channel.write(buffer);
			}
			this.frames.incrementAndGet();
		}

		/** Read whatever the master sent without waiting, so that it never finds us too slow. */
		private void drain(SocketChannel channel) throws IOException {
			channel.configureBlocking(false);
			try {
				while (channel.read(this.drain.clear()) > 0) {
					// discard
				}
			}
			finally {
				channel.configureBlocking(true);
			}
		}

		private int nodeId() {
			return 1_000_000 + this.random.nextInt(1_000_000_000);
		}

		private byte[] hello() {
			return FrameCodec.encode(new Message.Hello(Frame.PROTOCOL_VERSION, APP, 0, 0, nodeId(), "fuzzer", 1, EpochHistory.EMPTY));
		}

		/** A well-framed request whose contents are hostile: keys, values, numbers. */
		private Message hostileRequest() {
			long seq = 1 + this.random.nextInt(1_000_000);
			String key = key();
			return switch (this.random.nextInt(9)) {
				case 0, 1, 2 -> new WriteCommand.SetValue(seq, key, value(), this.random.nextLong());
				case 3 -> new WriteCommand.CompareAndSetValue(seq, key, this.random.nextBoolean() ? null : value(), value(),
						this.random.nextLong());
				case 4 -> new WriteCommand.IncrementValue(seq, key, this.random.nextLong(), this.random.nextLong());
				case 5 -> new WriteCommand.DeleteKey(seq, key, this.random.nextLong());
				case 6 -> new Message.Pong(this.random.nextLong(), this.random.nextLong() & Long.MAX_VALUE);
				case 7 -> new Message.BroadcastAck(this.random.nextLong() & Long.MAX_VALUE);
				default -> new Message.Resync(this.random.nextInt(1000));
			};
		}

		private String key() {
			return switch (this.random.nextInt(10)) {
				case 0 -> "";
				case 1 -> "k".repeat(257 + this.random.nextInt(500));
				case 2 -> new String(randomBytes(1 + this.random.nextInt(40)), StandardCharsets.ISO_8859_1);
				default -> "fuzz-" + this.random.nextInt(64);
			};
		}

		private byte[] value() {
			String json = switch (this.random.nextInt(12)) {
				case 0 -> "[".repeat(1000 + this.random.nextInt(20_000));
				case 1 -> "[".repeat(600) + "]".repeat(600);
				case 2 -> "{\"a\":".repeat(700) + "1" + "}".repeat(700);
				case 3 -> "9".repeat(1001 + this.random.nextInt(20_000));
				case 4 -> "-0." + "1".repeat(2000) + "e-999999999";
				case 5 -> "null";
				case 6 -> "";
				case 7 -> "1 2";
				case 8 -> "\"" + "x".repeat(this.random.nextInt(2000)) + "\"";
				case 9 -> "[\"java.util.concurrent.atomic.AtomicLong\", 42]";
				case 10 -> String.valueOf(this.random.nextLong());
				default -> null;
			};
			return (json != null) ? json.getBytes(StandardCharsets.UTF_8) : randomBytes(this.random.nextInt(300));
		}

		private byte[] mutate(byte[] frame) {
			byte[] mutated = frame.clone();
			switch (this.random.nextInt(4)) {
				case 0 -> {
					for (int i = 0, flips = 1 + this.random.nextInt(4); i < flips; i++) {
						mutated[this.random.nextInt(mutated.length)] ^= (byte) (1 << this.random.nextInt(8));
					}
				}
				case 1 -> mutated[Frame.LENGTH_FIELD_BYTES] = (byte) this.random.nextInt(256);
				case 2 -> ByteBuffer.wrap(mutated).putInt(0, BAD_LENGTHS[this.random.nextInt(BAD_LENGTHS.length)]);
				default -> {
					int at = Frame.HEADER_BYTES + this.random.nextInt(Math.max(1, mutated.length - Frame.HEADER_BYTES));
					mutated[Math.min(at, mutated.length - 1)] = (byte) this.random.nextInt(256);
				}
			}
			return mutated;
		}

		private byte[] randomBytes(int length) {
			byte[] bytes = new byte[length];
			this.random.nextBytes(bytes);
			return bytes;
		}

	}

}
