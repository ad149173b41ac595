package io.globalval.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.globalval.GlobalValTimeoutException;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.ErrorCode;
import io.globalval.protocol.Frame;
import io.globalval.protocol.Message;
import io.globalval.protocol.WriteCommand.SetValue;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link MasterRole}: what it checks on the transport's threads before a
 * request reaches the sequencer, and the membership it records in the lock. No socket,
 * no thread: the sequencer and the events run when the test says.
 */
class MasterRoleTests {

	private static final int MASTER_ID = 500;

	private final ManualRuntime runtime = new ManualRuntime(MASTER_ID);

	private NodeState state;

	private MasterRole master;

	@BeforeEach
	void startMaster() throws Exception {
		NodeSettings settings = NodeSettings.builder()
			.name("test")
			.directory(Path.of("/nonexistent/globalval-test"))
			.nodeName("master")
			.maxKeyLength(8)
			// no ping to drive anything: only the write timeout's own timer
			.pingInterval(Duration.ofHours(1))
			.writeTimeout(Duration.ofSeconds(1))
			.build();
		this.state = new NodeState(settings, new ValueCodec(JsonMapper.builder().build(), settings.maxValueSize()),
				this.runtime);
		this.master = new MasterRole(this.state, this.runtime.tryLock(settings), 1);
		// no member of an earlier group to wait for: the master takes writes at once
		this.runtime.runAll();
	}

	@AfterEach
	void stopMaster() {
		this.master.close();
	}

	@Test
	void workerThatSaysHelloIsWelcomedWithASnapshotAndRecordedAsAMember() throws Exception {
		RecordingPeer peer = new RecordingPeer("worker-1");
		this.master.received(peer, hello("test", 11));
		this.runtime.runAll();
		List<Message> frames = peer.take();
		assertThat(frames.get(0)).isEqualTo(new Message.Welcome(1, MASTER_ID, 0, true, 0));
		assertThat(frames.get(1)).isInstanceOf(Message.Snapshot.class);
		assertThat(this.runtime.lock().readMembers()).containsExactly(11L);
		this.master.disconnected(peer, "gone");
		assertThat(this.runtime.lock().readMembers()).isEmpty();
	}

	@Test
	void workerOfAnotherApplicationIsRefusedAndNothingReachesTheSequencer() {
		RecordingPeer peer = new RecordingPeer("stranger");
		this.master.received(peer, hello("other", 11));
		assertThat(peer.take()).singleElement()
			.isInstanceOfSatisfying(Message.Failure.class,
					(failure) -> assertThat(failure.code()).isEqualTo(ErrorCode.APPLICATION_MISMATCH));
		assertThat(peer.closedBecause()).contains("'other'");
		assertThat(this.runtime.queued()).isZero();
	}

	@Test
	void writeBeforeHelloClosesThatConnectionOnly() {
		RecordingPeer rude = new RecordingPeer("rude");
		RecordingPeer polite = new RecordingPeer("polite");
		this.master.received(polite, hello("test", 12));
		this.master.received(rude, new SetValue(1, "k", json("1"), 0));
		assertThat(rude.closedBecause()).contains("before HELLO");
		assertThat(polite.closedBecause()).isNull();
		assertThat(this.state.metrics.framesRejected()).isEqualTo(1);
	}

	@Test
	void secondWorkerWithANodeIdInUseIsRefused() {
		RecordingPeer first = new RecordingPeer("first");
		RecordingPeer second = new RecordingPeer("second");
		this.master.received(first, hello("test", 11));
		this.master.received(second, hello("test", 11));
		assertThat(second.take()).singleElement()
			.isInstanceOfSatisfying(Message.Failure.class,
					(failure) -> assertThat(failure.message()).contains("Node id 11"));
		assertThat(first.closedBecause()).isNull();
	}

	@Test
	void writeWithAKeyOverTheLimitIsAnsweredWithAnErrorAndNotSequenced() {
		RecordingPeer peer = new RecordingPeer("worker-1");
		this.master.received(peer, hello("test", 11));
		this.runtime.runAll();
		peer.take();
		this.master.received(peer, new SetValue(1, "much-too-long", json("1"), 0));
		this.runtime.runAll();
		assertThat(peer.take()).singleElement()
			.isInstanceOfSatisfying(Message.Failure.class, (failure) -> {
				assertThat(failure.code()).isEqualTo(ErrorCode.BAD_REQUEST);
				assertThat(failure.seq()).isEqualTo(1);
			});
		assertThat(this.state.replica.revision()).isZero();
		assertThat(peer.closedBecause()).isNull();
	}

	@Test
	void ownWriteThatNoWorkerConfirmsFailsWithinTheWriteTimeoutWhateverThePingInterval() {
		RecordingPeer peer = new RecordingPeer("worker-1");
		this.master.received(peer, hello("test", 11));
		this.runtime.runAll();
		CompletableFuture<Object> write = this.master.write((seq, time) -> new SetValue(seq, "k", json("1"), 0),
				this.runtime.nanoTime());
		this.runtime.runAll();
		// a worker is connected: the write waits for its confirmation
		assertThat(write).isNotDone();
		this.runtime.advance(Duration.ofMillis(1200));
		this.runtime.runAll();
		assertThat(write).isCompletedExceptionally();
		assertThatThrownBy(write::join).hasCauseInstanceOf(GlobalValTimeoutException.class)
			.hasMessageContaining("no worker confirmed it");
	}

	private static Message.Hello hello(String app, int nodeId) {
		return new Message.Hello(Frame.PROTOCOL_VERSION, app, 0, 0, nodeId, "worker-" + nodeId, nodeId,
				EpochHistory.EMPTY);
	}

	private static byte[] json(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

}
