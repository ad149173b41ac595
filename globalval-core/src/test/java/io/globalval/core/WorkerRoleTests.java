package io.globalval.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.globalval.GlobalValTimeoutException;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.protocol.WriteCommand;
import io.globalval.protocol.WriteCommand.SetValue;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests of the {@link WorkerRole} driven by hand: the test plays the master, handing the
 * role its messages and reading what the role sent from a {@link RecordingPeer}. Time
 * moves only when the test advances the {@link ManualRuntime}.
 */
class WorkerRoleTests {

	private static final int WORKER_ID = 21;

	private static final int MASTER_ID = 500;

	private static final long EPOCH = 3;

	private static final EpochHistory HISTORY = EpochHistory.of(new long[] { EPOCH }, new long[] { 1 });

	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(1);

	private final ManualRuntime runtime = new ManualRuntime(WORKER_ID);

	private final NodeSettings settings = NodeSettings.builder()
		.name("test")
		.nodeName("worker")
		.directory(Path.of("unused"))
		.writeTimeout(WRITE_TIMEOUT)
		.build();

	private final NodeState state = new NodeState(this.settings,
			new ValueCodec(JsonMapper.builder().build(), this.settings.maxValueSize()), this.runtime);

	private final CompletableFuture<Void> ready = new CompletableFuture<>();

	private final WorkerRole worker = new WorkerRole(this.state, null, this.ready);

	private final RecordingPeer master = new RecordingPeer("master");

	@Test
	void helloCarriesTheNodeAndItsLastRevision() {
		assertThat(this.worker.hello()).satisfies((hello) -> {
			assertThat(hello.nodeId()).isEqualTo(WORKER_ID);
			assertThat(hello.pid()).isEqualTo(ManualRuntime.PID);
			assertThat(hello.lastRevision()).isZero();
			assertThat(hello.epoch()).isZero();
		});
		welcomedWithEmptySnapshot();
		this.worker.received(applied(1, "a", "1", MASTER_ID, 1));
		assertThat(this.worker.hello().lastRevision()).isEqualTo(1);
		assertThat(this.worker.hello().epoch()).isEqualTo(EPOCH);
	}

	@Test
	void firstSnapshotMakesTheWorkerReady() {
		this.worker.connected(this.master);
		this.worker.received(new Message.Welcome(EPOCH, MASTER_ID, 1, true, 0));
		assertThat(this.ready).isNotDone();
		this.worker.received(new Message.Snapshot(1, 0, true, List.of(new Message.Entry("a", 1, json("1"))), HISTORY));
		assertThat(this.ready).isDone();
		assertThat(this.state.replica.revision()).isEqualTo(1);
		assertThat(this.worker.isConnected()).isTrue();
	}

	@Test
	void changesAreAppliedStrictlyInRevisionOrder() {
		welcomedWithEmptySnapshot();
		this.worker.received(applied(1, "a", "1", MASTER_ID, 1));
		this.worker.received(applied(3, "a", "3", MASTER_ID, 3));
		assertThat(this.state.replica.revision()).isEqualTo(1);
		assertThat(this.state.replica.entry("a").json()).isEqualTo(json("1"));
		this.worker.received(applied(2, "a", "2", MASTER_ID, 2));
		this.worker.received(applied(2, "a", "2", MASTER_ID, 2));
		this.worker.received(applied(3, "a", "3", MASTER_ID, 3));
		assertThat(this.state.replica.revision()).isEqualTo(3);
		assertThat(this.state.replica.entry("a").json()).isEqualTo(json("3"));
		assertThat(this.state.metrics.changesApplied.sum()).isEqualTo(3);
	}

	@Test
	void aChangeReceivedWithItsFrameIsLoggedAsThatFrame() {
		welcomedWithEmptySnapshot();
		Message.Applied first = applied(1, "a", "1", MASTER_ID, 1);
		// the frame as it arrived, in a larger buffer as a reader hands it on; its origin
		// time differs from the message's, so the log shows which of the two it holds
		byte[] encoded = FrameCodec.encode(new Message.Applied(first.revision(), first.epoch(), first.key(),
				first.value(), first.origin(), first.seq(), 777));
		assertThat(encoded).isNotEqualTo(FrameCodec.encode(first));
		ByteBuffer buffer = ByteBuffer.allocateDirect(encoded.length + 20);
		buffer.put(7, encoded);
		ByteBuffer frame = buffer.duplicate().limit(7 + encoded.length).position(7);
		this.worker.received(first, frame);
		assertThat(frame.position()).isEqualTo(7);
		// a change received without its frame is encoded for the log
		Message.Applied second = applied(2, "b", "2", MASTER_ID, 2);
		this.worker.received(second, null);
		// a change whose frame is not the one being received is encoded too
		this.worker.received(applied(3, "c", "3", MASTER_ID, 3));
		assertThat(this.state.replica.revision()).isEqualTo(3);
		assertThat(this.state.log.all()).containsExactly(encoded, FrameCodec.encode(second),
				FrameCodec.encode(applied(3, "c", "3", MASTER_ID, 3)));
	}

	@Test
	void gapSendsOneResyncFromTheLastAppliedRevision() {
		welcomedWithEmptySnapshot();
		this.worker.received(applied(1, "a", "1", MASTER_ID, 1));
		this.worker.received(applied(3, "a", "3", MASTER_ID, 3));
		this.worker.received(applied(4, "a", "4", MASTER_ID, 4));
		this.worker.received(new Message.Ack(5, 99));
		assertThat(this.master.take()).containsExactly(new Message.Resync(1));
	}

	@Test
	void ackAppliesTheWorkersOwnValue() {
		welcomedWithEmptySnapshot();
		CompletableFuture<Long> write = set("k", json("\"mine\""));
		assertThat(this.master.take()).containsExactly(new SetValue(1, "k", json("\"mine\""), this.runtime.nanoTime()));
		this.worker.received(new Message.Ack(1, 1));
		assertThat(write).isCompletedWithValue(1L);
		assertThat(this.state.replica.revision()).isEqualTo(1);
		assertThat(this.state.replica.entry("k").json()).isEqualTo(json("\"mine\""));
	}

	@Test
	void replyCompletesAWriteThatChangedNothing() {
		welcomedWithEmptySnapshot();
		CompletableFuture<Boolean> write = compareAndSet("k", json("1"), json("2"));
		this.worker.received(new Message.Reply(1, 0, false, 0));
		assertThat(write).isCompletedWithValue(false);
		assertThat(this.state.replica.entry("k")).isNull();
	}

	@Test
	void writesMadeBeforeTheWelcomeAreSentAfterItInOrder() {
		this.worker.connected(this.master);
		set("a", json("1"));
		set("b", json("2"));
		assertThat(this.master.written()).isEmpty();
		this.worker.received(new Message.Welcome(EPOCH, MASTER_ID, 0, true, 0));
		assertThat(seqs(this.master.take())).containsExactly(1L, 2L);
		assertThat(this.master.flushes()).isEqualTo(1);
	}

	@Test
	void unansweredWritesAreSentAgainInSequenceOrderOnTheNextConnection() {
		welcomedWithEmptySnapshot();
		CompletableFuture<Long> first = set("a", json("1"));
		CompletableFuture<Long> second = set("b", json("2"));
		CompletableFuture<Long> third = set("c", json("3"));
		this.worker.received(new Message.Ack(1, 2));
		assertThat(second).isCompletedWithValue(1L);
		this.worker.disconnected("test");
		assertThat(this.worker.isConnected()).isFalse();
		CompletableFuture<Long> fourth = set("d", json("4"));
		RecordingPeer next = new RecordingPeer("next master");
		this.worker.connected(next);
		this.worker.received(new Message.Welcome(EPOCH, MASTER_ID, 1, false, 1));
		assertThat(seqs(next.take())).containsExactly(1L, 3L, 4L);
		assertThat(first).isNotDone();
		assertThat(third).isNotDone();
		assertThat(fourth).isNotDone();
	}

	@Test
	void writeNotAnsweredWithinTheWriteTimeoutFails() {
		welcomedWithEmptySnapshot();
		CompletableFuture<Long> write = set("k", json("1"));
		this.runtime.advance(WRITE_TIMEOUT.minusMillis(1));
		assertThat(write).isNotDone();
		this.runtime.advance(Duration.ofMillis(1));
		assertThatExceptionOfType(CompletionException.class).isThrownBy(write::join)
			.withCauseInstanceOf(GlobalValTimeoutException.class)
			.withMessageContaining("No answer from the master of 'test' to set('k')");
	}

	@Test
	void writeNeverSentWithinTheWriteTimeoutFailsAsNotSent() {
		CompletableFuture<Long> write = set("k", json("1"));
		this.runtime.advance(WRITE_TIMEOUT);
		assertThatExceptionOfType(CompletionException.class).isThrownBy(write::join)
			.withCauseInstanceOf(GlobalValTimeoutException.class)
			.withMessageContaining("set('k') was not sent");
		// and it is not sent once a master welcomes the worker
		this.worker.connected(this.master);
		this.worker.received(new Message.Welcome(EPOCH, MASTER_ID, 0, true, 0));
		assertThat(this.master.written()).isEmpty();
	}

	@Test
	void ackThatArrivesAfterTheTimeoutStillAppliesTheValue() {
		welcomedWithEmptySnapshot();
		CompletableFuture<Long> write = set("k", json("1"));
		this.master.take();
		this.runtime.advance(WRITE_TIMEOUT);
		assertThat(write).isCompletedExceptionally();
		this.worker.received(new Message.Ack(1, 1));
		assertThat(this.state.replica.entry("k").json()).isEqualTo(json("1"));
		assertThat(this.master.take()).isEmpty();
	}

	@Test
	void fetchIsAnsweredWithTheChangesAfterTheNewMastersRevision() {
		welcomedWithEmptySnapshot();
		this.worker.received(applied(1, "a", "1", MASTER_ID, 1));
		this.worker.received(applied(2, "b", "2", MASTER_ID, 2));
		this.worker.received(new Message.Fetch(1, false));
		assertThat(this.master.take()).containsExactly(applied(2, "b", "2", MASTER_ID, 2), new Message.Confirm(2));
	}

	@Test
	void listenersHearOfChangesOnTheRuntimesEventRunnerInRevisionOrder() {
		List<Long> heard = new ArrayList<>();
		this.state.addListener((event) -> heard.add(event.revision()));
		welcomedWithEmptySnapshot();
		this.worker.received(applied(1, "a", "1", MASTER_ID, 1));
		this.worker.received(applied(2, "a", "2", MASTER_ID, 2));
		this.worker.endOfBatch();
		assertThat(heard).isEmpty();
		this.runtime.runAll();
		assertThat(heard).containsExactly(1L, 2L);
	}

	@Test
	void eventsOfABurstOfChangesReachTheEventRunnerTogetherWhenTheBurstEnds() {
		List<Long> heard = new ArrayList<>();
		this.state.addListener((event) -> heard.add(event.revision()));
		welcomedWithEmptySnapshot();
		this.runtime.runAll();
		this.worker.received(applied(1, "a", "1", MASTER_ID, 1));
		this.worker.received(applied(2, "a", "2", MASTER_ID, 2));
		this.worker.received(applied(3, "b", "3", MASTER_ID, 3));
		assertThat(this.runtime.queued()).isZero();
		assertThat(this.state.metrics.eventsQueued()).isZero();
		this.worker.endOfBatch();
		assertThat(this.runtime.queued()).isOne();
		assertThat(this.state.metrics.eventsQueued()).isEqualTo(3);
		this.runtime.runAll();
		assertThat(heard).containsExactly(1L, 2L, 3L);
		assertThat(this.state.metrics.eventsQueued()).isZero();
	}

	@Test
	void heldEventsGoBeforeTheEventsOfAnyOtherMessageAndOfALostConnection() {
		List<String> heard = new ArrayList<>();
		this.state.addListener(new ChangeListener() {

			@Override
			public void onChange(ChangeEvent event) {
				heard.add("change " + event.revision());
			}

			@Override
			public void onSnapshot(long revision, int keys) {
				heard.add("snapshot " + revision);
			}

			@Override
			public void onConnectionChanged(boolean connected) {
				heard.add("connected " + connected);
			}

		});
		welcomedWithEmptySnapshot();
		this.runtime.runAll();
		heard.clear();
		this.worker.received(applied(1, "a", "1", MASTER_ID, 1));
		this.worker.received(new Message.Snapshot(2, 0, true, List.of(new Message.Entry("a", 2, json("2"))), HISTORY));
		this.worker.received(applied(3, "a", "3", MASTER_ID, 3));
		this.worker.disconnected("test");
		this.runtime.runAll();
		assertThat(heard).containsExactly("change 1", "change 2", "snapshot 2", "change 3", "connected false");
	}

	@Test
	void ownWriteAckedDuringAGapIsAnsweredWhenASnapshotCoversIt() {
		welcomedWithEmptySnapshot();
		CompletableFuture<Long> write = set("k", json("1"));
		this.worker.received(applied(2, "a", "2", MASTER_ID, 2));
		this.worker.received(new Message.Ack(3, 1));
		// the master answers the RESYNC with a snapshot: its log no longer reaches revision 0
		this.worker.received(new Message.Snapshot(3, 0, true,
				List.of(new Message.Entry("a", 2, json("2")), new Message.Entry("k", 3, json("1"))), HISTORY));
		assertThat(this.state.replica.revision()).isEqualTo(3);
		assertThat(write).isCompletedWithValue(3L);
	}

	// helpers

	/** A set as the node makes it: the next sequence number, the runtime's time. */
	@SuppressWarnings("unchecked")
	private CompletableFuture<Long> set(String key, byte[] json) {
		long now = this.runtime.nanoTime();
		return (CompletableFuture<Long>) (CompletableFuture<?>) this.worker
			.write((seq, time) -> new WriteCommand.SetValue(seq, key, json, time), now);
	}

	@SuppressWarnings("unchecked")
	private CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update) {
		long now = this.runtime.nanoTime();
		return (CompletableFuture<Boolean>) (CompletableFuture<?>) this.worker
			.write((seq, time) -> new WriteCommand.CompareAndSetValue(seq, key, expected, update, time), now);
	}

	@Test
	void writesOfManyThreadsReachTheMasterInTheOrderOfTheirNumbers() throws Exception {
		welcomedWithEmptySnapshot();
		List<Thread> writers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			String key = "thread-" + t;
			Thread writer = new Thread(() -> {
				for (int i = 0; i < 500; i++) {
					this.worker.write((seq, now) -> new SetValue(seq, key, json("1"), now), this.runtime.nanoTime());
				}
			});
			writer.start();
			writers.add(writer);
		}
		for (Thread writer : writers) {
			writer.join(30_000);
		}
		List<Long> seqs = seqs(this.master.take());
		assertThat(seqs).hasSize(2000).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void writersWaitForRoomAmongThePendingWritesButTheReaderThreadNever() throws Exception {
		NodeSettings small = NodeSettings.builder()
			.name("test")
			.nodeName("worker")
			.directory(Path.of("unused"))
			.writeTimeout(WRITE_TIMEOUT)
			.maxPendingWrites(2)
			.build();
		NodeState smallState = new NodeState(small, new ValueCodec(JsonMapper.builder().build(), small.maxValueSize()),
				this.runtime);
		WorkerRole role = new WorkerRole(smallState, null, new CompletableFuture<>());
		// this test's thread plays the transport's reader thread
		role.connected(this.master);
		role.received(new Message.Welcome(EPOCH, MASTER_ID, 0, true, 0));
		role.received(new Message.Snapshot(0, 0, true, List.of(), EpochHistory.EMPTY));
		long now = this.runtime.nanoTime();
		// numbers 1 and 2, the first two of the role's node
		role.write((seq, time) -> new SetValue(seq, "a", json("1"), time), now);
		role.write((seq, time) -> new SetValue(seq, "b", json("2"), time), now);
		assertThat(role.awaitRoomForWrite(0)).isTrue();
		assertThat(smallState.metrics.writesPending()).isEqualTo(2);
		assertThat(smallState.metrics.writesWaited()).isZero();
		CompletableFuture<Boolean> full = CompletableFuture.supplyAsync(() -> awaitRoom(role, Duration.ofMillis(20)));
		assertThat(full.get(10, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
		assertThat(smallState.metrics.writesWaited()).isEqualTo(1);
		CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> awaitRoom(role, Duration.ofSeconds(30)));
		await().atMost(Duration.ofSeconds(10)).until(() -> smallState.metrics.writesWaited() == 2);
		role.received(new Message.Ack(1, 1));
		assertThat(waiting.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		assertThat(smallState.metrics.writesPending()).isEqualTo(1);
	}

	private static boolean awaitRoom(WorkerRole role, Duration timeout) {
		try {
			return role.awaitRoomForWrite(timeout.toNanos());
		}
		catch (InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void welcomedWithEmptySnapshot() {
		this.worker.connected(this.master);
		this.worker.received(new Message.Welcome(EPOCH, MASTER_ID, 0, true, 0));
		this.worker.received(new Message.Snapshot(0, 0, true, List.of(), EpochHistory.EMPTY));
		this.master.take();
	}

	private static List<Long> seqs(List<Message> messages) {
		return messages.stream().map((message) -> ((SetValue) message).seq()).toList();
	}

	private static Message.Applied applied(long revision, String key, String json, int origin, long seq) {
		return new Message.Applied(revision, EPOCH, key, json(json), origin, seq, 0);
	}

	private static byte[] json(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

}
