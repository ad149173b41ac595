package io.globalval.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link HistoryRecorder}.
 */
class HistoryRecorderTests {

	private final AtomicLong clock = new AtomicLong();

	private final HistoryRecorder recorder = new HistoryRecorder(this.clock::incrementAndGet);

	@Test
	void operationsFromManyThreadsMakeACheckableHistory() throws Exception {
		FakeMaster master = new FakeMaster(this.recorder);
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int thread = 0; thread < 4; thread++) {
				String client = "client-" + thread;
				long origin = thread + 1;
				futures.add(executor.submit(() -> {
					for (long sequence = 1; sequence <= 500; sequence++) {
						Command command = Command.set("k" + (sequence % 7), "\"" + client + "-" + sequence + "\"",
								WriteId.of(origin, sequence));
						HistoryRecorder.PendingOperation operation = this.recorder.invoke(client, "node-a", command);
						operation.ok(Result.revision(master.apply(command)));
					}
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			executor.shutdown();
		}
		master.recordFinalState();
		History history = this.recorder.history();
		assertThat(history.operations()).hasSize(2000).allMatch((operation) -> operation.outcome() == Outcome.OK);
		assertThat(history.nodeLogs()).singleElement().satisfies((log) -> assertThat(log.entries()).hasSize(2000));
		assertThat(HistoryChecker.check(history)).isEmpty();
	}

	@Test
	void pendingOperationIsRecordedAsUnknownThatNeverCompleted() {
		this.recorder.invoke("alice", "node-a", Command.increment("n", 1, WriteId.of(1, 1)));
		assertThat(this.recorder.history().operations()).singleElement().satisfies((operation) -> {
			assertThat(operation.outcome()).isEqualTo(Outcome.UNKNOWN);
			assertThat(operation.completeTime()).isEqualTo(Operation.NEVER);
		});
	}

	@Test
	void failedAndTimedOutOperationsKeepTheirCompleteTime() {
		this.recorder.invoke("alice", "node-a", Command.set("x", "1", WriteId.of(1, 1))).fail();
		this.recorder.invoke("alice", "node-a", Command.set("x", "2", WriteId.of(1, 2))).unknown();
		assertThat(this.recorder.history().operations()).extracting(Operation::outcome, Operation::invokeTime,
				Operation::completeTime)
			.containsExactly(tuple(Outcome.FAIL, 1L, 2L),
					tuple(Outcome.UNKNOWN, 3L, 4L));
	}

	@Test
	void operationCanBeCompletedOnlyOnce() {
		HistoryRecorder.PendingOperation operation = this.recorder.invoke("alice", "node-a", Command.read("x"));
		operation.ok(Result.read(null, 0, 0));
		assertThatIllegalStateException().isThrownBy(operation::fail).withMessageContaining("already completed");
		assertThat(this.recorder.history().operations()).hasSize(1);
	}

	@Test
	void nodeLogCollectedElsewhereIsAppendedToWhatWasRecorded() {
		this.recorder.snapshotLoaded("node-b", new Snapshot(0, Map.of()));
		this.recorder.nodeLog(NodeLog.builder("node-b")
			.set(1, "x", "1", WriteId.of(1, 1))
			.finalState(Map.of("x", "1"), 1)
			.build());
		assertThat(this.recorder.history().nodeLogs()).singleElement().satisfies((log) -> {
			assertThat(log.entries()).hasSize(2).first().isInstanceOf(Snapshot.class);
			assertThat(log.finalRevision()).isEqualTo(1);
		});
	}

	/**
	 * A master that numbers writes and applies them on one node, reporting to the
	 * recorder as the node's change listener would.
	 */
	private static final class FakeMaster {

		private final HistoryRecorder recorder;

		private final Map<String, String> map = new HashMap<>();

		private long revision;

		FakeMaster(HistoryRecorder recorder) {
			this.recorder = recorder;
		}

		synchronized long apply(Command command) {
			this.revision++;
			this.map.put(command.key(), command.value());
			this.recorder.applied("node-a", new Change(this.revision, command.key(), command.value(), command.writeId()));
			return this.revision;
		}

		synchronized void recordFinalState() {
			this.recorder.finalState("node-a", this.map, this.revision);
		}

	}

}
