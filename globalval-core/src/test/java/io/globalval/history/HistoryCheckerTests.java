package io.globalval.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HistoryChecker}: the valid {@link SampleHistory} passes, and
 * each change that breaks one rule is caught by that rule alone.
 */
class HistoryCheckerTests {

	@Test
	void validHistoryHasNoAnomalies() {
		assertThat(new SampleHistory().check()).isEmpty();
	}

	@Test
	void historyWhoseNodesAllStartFromSnapshotsIsCheckedOnWhatIsKnown() {
		List<LogEntry> entries = new ArrayList<>();
		entries.add(new Snapshot(2, Map.of("x", "1", "y", "\"b\"")));
		entries.addAll(SampleHistory.CHANGES.subList(2, 7));
		SampleHistory sample = new SampleHistory()
			.nodeLog(new NodeLog("node-a", entries, Map.of("x", "2", "n", "8"), 7));
		assertThat(sample.check()).isEmpty();
	}

	@Test
	void operationsWithoutAnyNodeLogAreNotJudgedLost() {
		History history = new History(new SampleHistory().history().operations(), List.of());
		assertThat(HistoryChecker.check(history)).isEmpty();
	}

	@Test
	void nodeLogsDisagreeingAtARevisionAreCaught() {
		List<Change> changes = new ArrayList<>(SampleHistory.CHANGES.subList(2, 6));
		changes.set(1, new Change(4, "n", "9", WriteId.of(2, 2)));
		SampleHistory sample = new SampleHistory()
			.nodeLog(SampleHistory.nodeB(Map.of("x", "1", "y", "\"b\""), changes, Map.of("x", "2", "n", "7")));
		assertOnly(sample.check(), AnomalyKind.LOG_DIVERGENCE, "Revision 4", "node-a", "node-b");
	}

	@Test
	void gapInANodeLogIsCaught() {
		List<Change> changes = new ArrayList<>(SampleHistory.CHANGES.subList(2, 6));
		changes.remove(1);
		SampleHistory sample = new SampleHistory()
			.nodeLog(SampleHistory.nodeB(Map.of("x", "1", "y", "\"b\""), changes, Map.of("x", "2", "n", "7")));
		assertOnly(sample.check(), AnomalyKind.LOG_DIVERGENCE, "node-b applied revision 5 right after revision 3");
	}

	@Test
	void snapshotDifferingFromTheReplayedHistoryIsCaught() {
		SampleHistory sample = new SampleHistory().nodeLog(SampleHistory.nodeB(Map.of("x", "9", "y", "\"b\""),
				SampleHistory.CHANGES.subList(2, 6), Map.of("x", "2", "n", "7")));
		assertOnly(sample.check(), AnomalyKind.LOG_DIVERGENCE, "node-b snapshot at revision 2", "'x' is 9");
	}

	@Test
	void lostAcknowledgedWriteIsCaught() {
		SampleHistory sample = new SampleHistory().operation("aliceSetsW",
				Operation.ok("alice", "node-a", Command.set("w", "\"w\"", WriteId.of(1, 5)), 140, 150, Result.revision(8)));
		assertOnly(sample.check(), AnomalyKind.LOST_WRITE, "SET w", "no node reached revision 8");
	}

	@Test
	void acknowledgedWriteWhoseRevisionHoldsAnotherChangeIsLost() {
		SampleHistory sample = new SampleHistory().operation("aliceSetsW",
				Operation.ok("alice", "node-a", Command.set("w", "\"w\"", WriteId.of(1, 5)), 140, 150, Result.revision(7)));
		assertOnly(sample.check(), AnomalyKind.LOST_WRITE, "revision 7 holds n=8");
	}

	@Test
	void failedWriteThatWasAppliedIsCaught() {
		SampleHistory sample = new SampleHistory().operation("aliceDeletesY",
				Operation.failed("alice", "node-a", Command.delete("y", WriteId.of(1, 4)), 70, 80));
		assertOnly(sample.check(), AnomalyKind.FAILED_WRITE_APPLIED, "DELETE y", "revision 6");
	}

	@Test
	void writeAppliedTwiceIsCaught() {
		List<Change> changes = new ArrayList<>(SampleHistory.CHANGES);
		changes.add(new Change(8, "x", "1", WriteId.of(1, 1)));
		SampleHistory sample = new SampleHistory()
			.nodeLog(SampleHistory.nodeA(changes, Map.of("x", "1", "n", "8"), 8));
		assertOnly(sample.check(), AnomalyKind.DUPLICATE_APPLY, "alice@node-a SET x=1", "[1, 8]");
	}

	@Test
	void wrongRevisionInAnAnswerIsCaught() {
		SampleHistory sample = new SampleHistory().operation("aliceSetsX",
				Operation.ok("alice", "node-a", Command.set("x", "1", WriteId.of(1, 1)), 10, 20, Result.revision(3)));
		assertOnly(sample.check(), AnomalyKind.WRONG_RESULT, "told revision 3 but the write is at revision 1");
	}

	@Test
	void incrementReturningAnotherValueThanTheHistoryIsCaught() {
		SampleHistory sample = new SampleHistory().operation("aliceIncrementsN", Operation.ok("alice", "node-a",
				Command.increment("n", 5, WriteId.of(1, 2)), 30, 40, Result.counter(6, 3)));
		assertOnly(sample.check(), AnomalyKind.WRONG_RESULT, "returned 6 but revision 3 holds 5");
	}

	@Test
	void compareAndSetAnsweringFalseButAppliedIsCaught() {
		SampleHistory sample = new SampleHistory().operation("aliceSwapsX", Operation.ok("alice", "node-a",
				Command.compareAndSet("x", "1", "2", WriteId.of(1, 3)), 50, 60, Result.applied(false)));
		assertOnly(sample.check(), AnomalyKind.WRONG_RESULT, "told false but the write was applied at revision 5");
	}

	@Test
	void compareAndSetAppliedDespiteAnotherValueIsCaught() {
		SampleHistory sample = new SampleHistory().operation("aliceSwapsX", Operation.ok("alice", "node-a",
				Command.compareAndSet("x", "0", "2", WriteId.of(1, 3)), 50, 60, Result.applied(true, 5)));
		assertOnly(sample.check(), AnomalyKind.WRONG_RESULT, "'x' held 1 at revision 4");
	}

	@Test
	void counterNotAddingUpToItsIncrementsIsCaught() {
		History history = History.builder()
			.operations(
					Operation.ok("alice", "node-a", Command.increment("c", 1, WriteId.of(1, 1)), 1, 2, Result.counter(1, 1)),
					Operation.ok("alice", "node-a", Command.increment("c", 1, WriteId.of(1, 2)), 3, 4, Result.counter(3, 2)))
			.nodeLogs(NodeLog.builder("node-a")
				.set(1, "c", "1", WriteId.of(1, 1))
				.set(2, "c", "3", WriteId.of(1, 2))
				.finalState(Map.of("c", "3"), 2)
				.build())
			.build();
		assertOnly(HistoryChecker.check(history), AnomalyKind.COUNTER, "Counter 'c'", "revision 2 set it to 3",
				"should make it 2");
	}

	@Test
	void counterChangedByAForeignWriteIsCaught() {
		History history = History.builder()
			.operations(
					Operation.ok("alice", "node-a", Command.increment("c", 1, WriteId.of(1, 1)), 1, 2, Result.counter(1, 1)))
			.nodeLogs(NodeLog.builder("node-a")
				.set(1, "c", "1", WriteId.of(1, 1))
				.set(2, "c", "5", WriteId.of(9, 9))
				.finalState(Map.of("c", "5"), 2)
				.build())
			.build();
		assertOnly(HistoryChecker.check(history), AnomalyKind.COUNTER, "revision 2 changed it by write 9:9");
	}

	@Test
	void counterBeyondItsAcknowledgedAndUnknownIncrementsIsCaught() {
		// Changes without write ids: only the black-box bounds can judge the counter.
		History history = History.builder()
			.operations(Operation.ok("alice", "node-a", Command.increment("c", 2, WriteId.of(1, 1)), 1, 2,
					Result.counter(2)), Operation.unknown("alice", "node-a", Command.increment("c", 1, WriteId.of(1, 2)), 3,
							Operation.NEVER))
			.nodeLogs(NodeLog.builder("node-a").set(1, "c", "5", null).finalState(Map.of("c", "5"), 1).build())
			.build();
		List<Anomaly> anomalies = new HistoryChecker(history).checkCounters();
		assertOnly(anomalies, AnomalyKind.COUNTER, "moved by 5", "acknowledged increments add 2");
	}

	@Test
	void revisionsAgainstRealTimeOrderAreCaught() {
		SampleHistory sample = new SampleHistory().operation("bobSetsY",
				Operation.ok("bob", "node-b", Command.set("y", "\"b\"", WriteId.of(2, 1)), 5, 8, Result.revision(2)));
		assertOnly(sample.check(), AnomalyKind.REAL_TIME_ORDER, "alice@node-a SET x=1", "got revision 1",
				"bob@node-b SET y");
	}

	@Test
	void staleReadIsCaught() {
		SampleHistory sample = new SampleHistory().operation("bobReadsX",
				Operation.ok("bob", "node-b", Command.read("x"), 90, 95, Result.read("1", 5, 6)));
		assertOnly(sample.check(), AnomalyKind.STALE_READ, "'x' held that value only before revision 5");
	}

	@Test
	void readOfAValueNeverWrittenIsCaught() {
		SampleHistory sample = new SampleHistory().operation("bobReadsX",
				Operation.ok("bob", "node-b", Command.read("x"), 90, 95, Result.read("7", 5, 6)));
		assertOnly(sample.check(), AnomalyKind.BAD_READ, "'x' never held that value up to revision 6");
	}

	@Test
	void readOfAValueFromAfterItsWindowIsCaught() {
		SampleHistory sample = new SampleHistory().operation("bobReadsX",
				Operation.ok("bob", "node-b", Command.read("x"), 90, 95, Result.read("2", 3, 4)));
		assertOnly(sample.check(), AnomalyKind.BAD_READ, "'x' never held that value up to revision 4");
	}

	@Test
	void replicaGoingBackwardsBetweenReadsIsCaught() {
		SampleHistory sample = new SampleHistory().operation("bobReadsXAgain",
				Operation.ok("bob", "node-b", Command.read("x"), 140, 145, Result.read("1", 3, 4)));
		assertOnly(sample.check(), AnomalyKind.MONOTONIC_READS, "saw at most revision 4", "READ n",
				"saw at least revision 6");
	}

	@Test
	void readMissingTheClientsOwnWriteIsCaught() {
		SampleHistory sample = new SampleHistory().operation("aliceReadsXEarly",
				Operation.ok("alice", "node-a", Command.read("x"), 85, 88, Result.read("1", 2, 2)));
		assertOnly(sample.check(), AnomalyKind.READ_YOUR_WRITES, "saw at most revision 2", "DELETE y",
				"at revision 6");
	}

	@Test
	void finalMapDifferingFromTheHistoryIsCaught() {
		SampleHistory sample = new SampleHistory().nodeLog(SampleHistory.nodeB(Map.of("x", "1", "y", "\"b\""),
				SampleHistory.CHANGES.subList(2, 6), Map.of("x", "2", "n", "6")));
		assertOnly(sample.check(), AnomalyKind.FINAL_STATE, "node-b final map at revision 6", "'n' is 6");
	}

	@Test
	void finalRevisionBehindTheNodesLogIsCaught() {
		SampleHistory sample = new SampleHistory()
			.nodeLog(SampleHistory.nodeA(SampleHistory.CHANGES, Map.of("x", "2", "n", "7"), 6));
		assertOnly(sample.check(), AnomalyKind.FINAL_STATE, "node-a reports final revision 6");
	}

	private static void assertOnly(List<Anomaly> anomalies, AnomalyKind kind, String... messageParts) {
		assertThat(anomalies).isNotEmpty().extracting(Anomaly::kind).containsOnly(kind);
		assertThat(anomalies).anySatisfy((anomaly) -> assertThat(anomaly.message()).contains(messageParts));
	}

}
