package io.globalval.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.GlobalValRejectedException;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.ErrorCode;
import io.globalval.protocol.Frame;
import io.globalval.protocol.Message;
import io.globalval.protocol.WriteCommand;
import io.globalval.protocol.WriteCommand.CompareAndSetValue;
import io.globalval.protocol.WriteCommand.IncrementValue;
import io.globalval.protocol.WriteCommand.SetValue;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of the {@link Sequencer} driven by hand, one command and one batch at a time:
 * no socket, no thread, no clock. Workers are {@link RecordingPeer}s behind their
 * {@link WorkerLink}s.
 */
class SequencerTests {

	private static final int MASTER_ID = 500;

	private static final long EPOCH = 3;

	private final ManualRuntime runtime = new ManualRuntime(MASTER_ID);

	private NodeState state;

	private Sequencer sequencer;

	@Test
	void duplicateWriteIsAnsweredWithItsFirstOutcomeAndAppliedOnce() {
		master(settings().build(), null);
		Worker a = join("a", 11);
		Worker b = join("b", 12);
		SetValue set = new SetValue(7, "k", json("1"), 0);
		run(a.write(set));
		assertThat(a.peer.take()).containsExactly(new Message.Ack(1, 7));
		assertThat(b.peer.take()).containsExactly(applied(1, "k", "1", 11, 7));
		// the worker lost its connection before the ack and sends the write again on a new one
		run(new Sequencer.Leave(a.link));
		Worker again = join("a", 11);
		run(again.write(set));
		assertThat(again.peer.take()).containsExactly(new Message.Reply(7, 1, true, 0));
		assertThat(b.peer.take()).isEmpty();
		assertThat(this.state.replica.revision()).isEqualTo(1);
		assertThat(this.state.metrics.changesApplied.sum()).isEqualTo(1);
	}

	@Test
	void writeSentAgainAfterItsOutcomeWasForgottenIsNotAppliedAgain() {
		master(settings().build(), null);
		Worker a = join("a", 11);
		int writes = RecentWrites.PER_ORIGIN + 1;
		List<Sequencer.Command> increments = new ArrayList<>();
		for (int seq = 1; seq <= writes; seq++) {
			increments.add(a.write(new IncrementValue(seq, "n", 1, 0)));
		}
		run(increments.toArray(Sequencer.Command[]::new));
		a.peer.take();
		// the first write's outcome is no longer kept: sent again, it must not count twice
		run(new Sequencer.Leave(a.link));
		Worker again = join("a", 11);
		run(again.write(new IncrementValue(1, "n", 1, 0)), again.write(new IncrementValue(writes, "n", 1, 0)));
		List<Message> answers = again.peer.take();
		assertThat(answers).hasSize(2);
		assertThat(answers.get(0)).isInstanceOfSatisfying(Message.Failure.class,
				(failure) -> assertThat(failure.code()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN));
		assertThat(answers.get(1)).isEqualTo(new Message.Reply(writes, writes, true, writes));
		assertThat(this.state.replica.revision()).isEqualTo(writes);
		assertThat(this.state.replica.get("n")).isEqualTo(writes);
	}

	@Test
	void writesOfOneOriginAreTakenInAnyOrderAndStillOnce() {
		master(settings().build(), null);
		Worker a = join("a", 11);
		// two threads of one process took numbers 1 and 2 and sent them the other way round
		run(a.write(new SetValue(2, "k", json("2"), 0)), a.write(new SetValue(1, "k", json("1"), 0)));
		assertThat(a.peer.take()).containsExactly(new Message.Ack(1, 2), new Message.Ack(2, 1));
		run(a.write(new SetValue(1, "k", json("1"), 0)));
		assertThat(a.peer.take()).containsExactly(new Message.Reply(1, 2, true, 0));
		assertThat(this.state.replica.revision()).isEqualTo(2);
	}

	@Test
	void localWritesOfManyThreadsAreTakenInAnyOrder() {
		master(settings().build(), null);
		CompletableFuture<Object> later = new CompletableFuture<>();
		CompletableFuture<Object> earlier = new CompletableFuture<>();
		run(new Sequencer.Write(null, new SetValue(2, "k", json("2"), 0), later),
				new Sequencer.Write(null, new SetValue(1, "k", json("1"), 0), earlier));
		assertThat(later).isCompletedWithValue(1L);
		assertThat(earlier).isCompletedWithValue(2L);
	}

	@Test
	void duplicateLocalWriteCompletesWithItsFirstResult() {
		master(settings().build(), null);
		SetValue set = new SetValue(1, "k", json("1"), 0);
		CompletableFuture<Object> first = new CompletableFuture<>();
		CompletableFuture<Object> retried = new CompletableFuture<>();
		run(new Sequencer.Write(null, set, first), new Sequencer.Write(null, set, retried));
		assertThat(first).isCompletedWithValue(1L);
		assertThat(retried).isCompletedWithValue(1L);
		assertThat(this.state.replica.revision()).isEqualTo(1);
	}

	@Test
	void compareAndSetRaceHasExactlyOneWinner() {
		master(settings().build(), null);
		Worker a = join("a", 11);
		Worker b = join("b", 12);
		run(local(new SetValue(1, "k", json("1"), 0)));
		a.peer.take();
		b.peer.take();
		run(a.write(new CompareAndSetValue(5, "k", json("1"), json("2"), 0)),
				b.write(new CompareAndSetValue(9, "k", json("1"), json("3"), 0)));
		assertThat(a.peer.take()).containsExactly(new Message.Ack(2, 5));
		assertThat(b.peer.take()).containsExactly(applied(2, "k", "2", 11, 5), new Message.Reply(9, 2, false, 0));
		assertThat(this.state.replica.entry("k").json()).isEqualTo(json("2"));
		assertThat(this.state.replica.revision()).isEqualTo(2);
	}

	@Test
	void incrementOfANonIntegerIsRejectedAndNothingIsApplied() {
		master(settings().build(), null);
		Worker a = join("a", 11);
		Worker b = join("b", 12);
		run(local(new SetValue(1, "k", json("\"text\""), 0)));
		b.peer.take();
		a.peer.take();
		run(a.write(new IncrementValue(4, "k", 1, 0)));
		assertThat(a.peer.take()).singleElement()
			.isInstanceOfSatisfying(Message.Failure.class, (failure) -> {
				assertThat(failure.seq()).isEqualTo(4);
				assertThat(failure.code()).isEqualTo(ErrorCode.CONFLICT);
				assertThat(failure.message()).contains("'k'", "not an integer");
			});
		assertThat(b.peer.take()).isEmpty();
		assertThat(this.state.replica.revision()).isEqualTo(1);
	}

	@Test
	void incrementThatWouldOverflowIsRejected() {
		master(settings().build(), null);
		run(local(new SetValue(1, "n", json(Long.toString(Long.MAX_VALUE)), 0)));
		CompletableFuture<Object> increment = new CompletableFuture<>();
		run(new Sequencer.Write(null, new IncrementValue(2, "n", 1, 0), increment));
		assertThatExceptionOfType(CompletionException.class).isThrownBy(increment::join)
			.withCauseInstanceOf(GlobalValRejectedException.class)
			.withMessageContaining("overflow");
		assertThat(this.state.replica.revision()).isEqualTo(1);
	}

	@Test
	void incrementOriginGetsTheFullChangeWithTheNewNumber() {
		master(settings().build(), null);
		Worker a = join("a", 11);
		run(local(new SetValue(1, "n", json("41"), 0)));
		a.peer.take();
		run(a.write(new IncrementValue(3, "n", 1, 0)));
		assertThat(a.peer.take()).containsExactly(applied(2, "n", "42", 11, 3));
	}

	@Test
	void joinGetsWelcomeAndTheChangesAfterItsRevision() {
		master(settings().build(), null);
		run(local(new SetValue(1, "a", json("1"), 0)), local(new SetValue(2, "b", json("2"), 0)),
				local(new SetValue(3, "c", json("3"), 0)));
		RecordingPeer peer = new RecordingPeer("w");
		run(new Sequencer.Join(link(peer, 11), hello(11, EPOCH, 1)));
		assertThat(peer.take()).containsExactly(new Message.Welcome(EPOCH, MASTER_ID, 3, false, 1),
				applied(2, "b", "2", MASTER_ID, 2), applied(3, "c", "3", MASTER_ID, 3));
	}

	@Test
	void joinGetsASnapshotWhenTheChangeLogNoLongerReachesItsRevision() {
		master(settings().changeLogCapacity(2).build(), null);
		run(local(new SetValue(1, "a", json("1"), 0)), local(new SetValue(2, "b", json("2"), 0)),
				local(new SetValue(3, "a", json("3"), 0)), local(new SetValue(4, "c", json("4"), 0)));
		RecordingPeer peer = new RecordingPeer("w");
		run(new Sequencer.Join(link(peer, 11), hello(11, EPOCH, 1)));
		List<Message> messages = peer.take();
		assertThat(messages).first().isEqualTo(new Message.Welcome(EPOCH, MASTER_ID, 4, true, 1));
		assertThat(messages).hasSize(2).last().isInstanceOfSatisfying(Message.Snapshot.class, (snapshot) -> {
			assertThat(snapshot.revision()).isEqualTo(4);
			assertThat(snapshot.last()).isTrue();
			assertThat(snapshot.entries()).containsExactlyInAnyOrder(new Message.Entry("a", 3, json("3")),
					new Message.Entry("b", 2, json("2")), new Message.Entry("c", 4, json("4")));
		});
	}

	@Test
	void newMasterWaitsForLiveMembersAdoptsTheMostUpToDateLogThenWelcomesAndSequences() {
		newState(settings().build());
		// as a worker of the master of epoch 2, this node applied revisions 1 and 2
		this.state.applyChange("a", json("1"), 1, EPOCH - 1, 11, 1, 0, null);
		this.state.applyChange("b", json("2"), 2, EPOCH - 1, 11, 2, 0, null);
		this.runtime.alive.addAll(List.of(11L, 12L));
		takeOver(11L, 12L);
		RecordingPeer aheadPeer = new RecordingPeer("ahead");
		WorkerLink ahead = link(aheadPeer, 11);
		run(new Sequencer.Join(ahead, hello(11, EPOCH - 1, 4)));
		// member 12 is alive and has not said hello: nobody is welcomed or fetched from yet
		assertThat(aheadPeer.take()).isEmpty();
		Worker behind = joinAt("behind", 12, EPOCH - 1, 2);
		assertThat(behind.peer.take()).isEmpty();
		assertThat(aheadPeer.take()).containsExactly(new Message.Fetch(2, false));
		CompletableFuture<Object> localWrite = new CompletableFuture<>();
		run(new Sequencer.Write(null, new SetValue(1, "x", json("9"), 0), localWrite));
		assertThat(localWrite).isNotDone();
		Message.Applied third = applied(3, EPOCH - 1, "c", "3", 13, 1);
		Message.Applied fourth = applied(4, EPOCH - 1, "a", "4", 14, 5);
		run(new Sequencer.Adopt(ahead, third), new Sequencer.Adopt(ahead, fourth));
		assertThat(this.state.replica.revision()).isEqualTo(4);
		assertThat(localWrite).isNotDone();
		// the end of the member's answer: holding ends, everyone is welcomed from what it shares
		run(new Sequencer.Adopt(ahead, new Message.Confirm(4)));
		assertThat(aheadPeer.take()).containsExactly(new Message.Welcome(EPOCH, MASTER_ID, 4, false, 4),
				applied(5, "x", "9", MASTER_ID, 1));
		assertThat(behind.peer.take()).containsExactly(new Message.Welcome(EPOCH, MASTER_ID, 4, false, 2), third,
				fourth, applied(5, "x", "9", MASTER_ID, 1));
		// the master's own write is acknowledged once another process has it
		assertThat(localWrite).isNotDone();
		run(new Sequencer.Confirmed(5));
		assertThat(localWrite).isCompletedWithValue(5L);
		assertThat(this.state.history).isEqualTo(EpochHistory.of(new long[] { EPOCH - 1, EPOCH }, new long[] { 1, 5 }));
	}

	@Test
	void heldWriteThatTheOldMasterAppliedIsAnsweredFromTheAdoptedChange() {
		newState(settings().build());
		this.runtime.alive.addAll(List.of(11L, 12L));
		takeOver(11L, 12L);
		RecordingPeer aheadPeer = new RecordingPeer("ahead");
		WorkerLink ahead = link(aheadPeer, 11);
		run(new Sequencer.Join(ahead, hello(11, EPOCH - 1, 1)));
		Worker origin = joinAt("origin", 12, EPOCH - 1, 0);
		assertThat(aheadPeer.take()).containsExactly(new Message.Fetch(0, false));
		run(new Sequencer.Adopt(ahead, applied(1, EPOCH - 1, "k", "1", 12, 7)), new Sequencer.Adopt(ahead,
				new Message.Confirm(1)));
		origin.peer.take();
		// the origin never got the answer to its write, which the old master applied as revision 1
		run(origin.write(new SetValue(7, "k", json("1"), 0)));
		assertThat(origin.peer.take()).singleElement().isInstanceOfSatisfying(Message.Reply.class, (reply) -> {
			assertThat(reply.seq()).isEqualTo(7);
			assertThat(reply.revision()).isEqualTo(1);
			assertThat(reply.success()).isTrue();
		});
		assertThat(this.state.replica.revision()).isEqualTo(1);
	}

	@Test
	void deadMembersAreNotWaitedFor() {
		newState(settings().build());
		takeOver(11L, 12L);
		CompletableFuture<Object> localWrite = new CompletableFuture<>();
		run(new Sequencer.Write(null, new SetValue(1, "x", json("9"), 0), localWrite));
		assertThat(localWrite).isCompletedWithValue(1L);
	}

	@Test
	void anAbsentLiveMemberIsWaitedForUntilMaxWaitOnly() {
		newState(settings().build());
		this.runtime.alive.add(13L);
		takeOver(13L);
		CompletableFuture<Object> localWrite = new CompletableFuture<>();
		run(new Sequencer.Write(null, new SetValue(1, "x", json("9"), 0), new CompletableFuture<>()),
				new Sequencer.CheckHolding());
		assertThat(this.state.replica.revision()).isZero();
		// the process dies: no longer waited for
		this.runtime.alive.remove(13L);
		run(new Sequencer.CheckHolding(), new Sequencer.Write(null, new SetValue(2, "y", json("1"), 0), localWrite));
		assertThat(localWrite).isCompletedWithValue(2L);
		newState(settings().build());
		this.runtime.alive.add(13L);
		takeOver(13L);
		CompletableFuture<Object> afterMaxWait = new CompletableFuture<>();
		run(new Sequencer.Write(null, new SetValue(1, "x", json("9"), 0), afterMaxWait));
		assertThat(afterMaxWait).isNotDone();
		run(new Sequencer.EndHolding());
		assertThat(afterMaxWait).isCompletedWithValue(1L);
	}

	@Test
	void aFetchAnswerAfterHoldingEndedIsNotApplied() {
		newState(settings().build());
		this.runtime.alive.add(11L);
		takeOver(11L);
		RecordingPeer aheadPeer = new RecordingPeer("ahead");
		WorkerLink ahead = link(aheadPeer, 11);
		run(new Sequencer.Join(ahead, hello(11, EPOCH - 1, 3)));
		assertThat(aheadPeer.take()).containsExactly(new Message.Fetch(0, false));
		// max-wait passes before the member answers; the master goes on and sequences a write
		run(new Sequencer.EndHolding(), local(new SetValue(1, "mine", json("1"), 0)));
		assertThat(aheadPeer.take()).first().isEqualTo(new Message.Welcome(EPOCH, MASTER_ID, 0, true, 0));
		run(new Sequencer.Adopt(ahead, applied(1, EPOCH - 1, "late", "1", 11, 1)));
		assertThat(this.state.replica.entry("late")).isNull();
		assertThat(this.state.replica.entry("mine")).isNotNull();
		assertThat(this.state.replica.revision()).isEqualTo(1);
	}

	@Test
	void aMemberMoreUpToDateThanAPartedMasterLogIsFetchedWholeAndTheMastersTailIsDiscarded() {
		newState(settings().build());
		// this node applied 1..3 of epoch 1; the member went on from 3 in epoch 2 (this node missed it)
		this.state.applyChange("a", json("1"), 1, 1, 11, 1, 0, null);
		this.state.applyChange("b", json("2"), 2, 1, 11, 2, 0, null);
		this.state.applyChange("gone", json("3"), 3, 1, 11, 3, 0, null);
		this.runtime.alive.add(11L);
		takeOver(11L);
		RecordingPeer memberPeer = new RecordingPeer("member");
		WorkerLink member = link(memberPeer, 11);
		EpochHistory memberHistory = EpochHistory.of(new long[] { 1, 2 }, new long[] { 1, 3 });
		run(new Sequencer.Join(member, hello(11, 2, 4, memberHistory)));
		assertThat(memberPeer.take()).containsExactly(new Message.Fetch(2, true));
		run(new Sequencer.Adopt(member,
				new Message.Snapshot(4, 0, true, List.of(new Message.Entry("a", 1, json("1")),
						new Message.Entry("b", 2, json("2")), new Message.Entry("c", 4, json("4"))), memberHistory)),
				new Sequencer.Adopt(member, new Message.Confirm(4)));
		assertThat(this.state.replica.entry("gone")).isNull();
		assertThat(this.state.replica.entry("c")).isNotNull();
		assertThat(this.state.replica.revision()).isEqualTo(4);
		assertThat(this.state.history).isEqualTo(memberHistory);
		assertThat(this.state.metrics.changesDiscarded()).isEqualTo(1);
		assertThat(memberPeer.take()).containsExactly(new Message.Welcome(EPOCH, MASTER_ID, 4, false, 4));
	}

	@Test
	void onlyTheMemberBeingFetchedFromIsAdoptedAndItsSnapshotKeepsTheAppliedSequences() {
		newState(settings().build());
		this.runtime.alive.addAll(List.of(11L, 12L));
		takeOver(11L, 12L);
		RecordingPeer bestPeer = new RecordingPeer("best");
		RecordingPeer otherPeer = new RecordingPeer("other");
		WorkerLink best = link(bestPeer, 11);
		WorkerLink other = link(otherPeer, 12);
		run(new Sequencer.Join(best, hello(11, EPOCH - 1, 5)), new Sequencer.Join(other, hello(12, EPOCH - 1, 4)));
		assertThat(bestPeer.take()).containsExactly(new Message.Fetch(0, false));
		// chunks from a member nobody asked are not mixed in
		run(new Sequencer.Adopt(other, new Message.Snapshot(4, 0, true, List.of(new Message.Entry("x", 4, json("1"))),
				EpochHistory.of(new long[] { EPOCH - 1 }, new long[] { 1 }))));
		assertThat(this.state.replica.revision()).isZero();
		run(new Sequencer.Adopt(best, new Message.Snapshot(5, 0, false, List.of(new Message.Entry("a", 5, json("1"))),
				EpochHistory.EMPTY)),
				new Sequencer.Adopt(best, new Message.Snapshot(5, 0, true, List.of(new Message.Entry("b", 3, json("2"))),
						EpochHistory.of(new long[] { EPOCH - 1 }, new long[] { 1 }), java.util.Map.of(13L, 40L))),
				new Sequencer.Adopt(best, new Message.Confirm(5)));
		assertThat(this.state.replica.revision()).isEqualTo(5);
		assertThat(this.state.replica.entry("x")).isNull();
		assertThat(this.state.replica.size()).isEqualTo(2);
		// write 40 of node 13 is in the adopted snapshot: sent again, it is not applied a second time
		Worker origin = joinAt("origin", 13, EPOCH - 1, 0);
		origin.peer.take();
		run(origin.write(new SetValue(40, "a", json("7"), 0)));
		assertThat(origin.peer.take()).singleElement().isInstanceOfSatisfying(Message.Failure.class,
				(failure) -> assertThat(failure.code()).isEqualTo(ErrorCode.OUTCOME_UNKNOWN));
		assertThat(this.state.replica.revision()).isEqualTo(5);
	}

	@Test
	void aWorkerWhoseLogPartsFromTheMastersGetsTheKeptRevisionAndASnapshot() {
		master(settings().build(), null);
		run(local(new SetValue(1, "a", json("1"), 0)), local(new SetValue(2, "b", json("2"), 0)));
		RecordingPeer peer = new RecordingPeer("fenced");
		// fenced in an earlier failover: its revisions 1..3 were sequenced by epoch 1, which this group did not keep
		run(new Sequencer.Join(link(peer, 11), hello(11, 1, 3, EpochHistory.of(new long[] { 1 }, new long[] { 1 }))));
		List<Message> messages = peer.take();
		assertThat(messages.get(0)).isEqualTo(new Message.Welcome(EPOCH, MASTER_ID, 2, true, 0));
		assertThat(messages.get(1)).isInstanceOfSatisfying(Message.Snapshot.class, (snapshot) -> {
			assertThat(snapshot.revision()).isEqualTo(2);
			assertThat(snapshot.history()).isEqualTo(EpochHistory.of(new long[] { EPOCH }, new long[] { 1 }));
		});
	}

	@Test
	void mastersOwnWriteIsAcknowledgedOnceAWorkerConfirmsIt() {
		master(settings().build(), null);
		Worker a = join("a", 11);
		CompletableFuture<Object> first = new CompletableFuture<>();
		CompletableFuture<Object> second = new CompletableFuture<>();
		run(new Sequencer.Write(null, new SetValue(1, "k", json("1"), 0), first),
				new Sequencer.Write(null, new SetValue(2, "k", json("2"), 0), second));
		assertThat(first).isNotDone();
		run(new Sequencer.Confirmed(1));
		assertThat(first).isCompletedWithValue(1L);
		assertThat(second).isNotDone();
		// the last worker leaves: the master is alone, nothing more to wait for
		run(new Sequencer.Leave(a.link));
		assertThat(second).isCompletedWithValue(2L);
	}

	@Test
	void mastersOwnWriteWaitsWhileAMemberWhoseConnectionBrokeIsAlive() {
		master(settings().build(), null);
		TestGroup group = new TestGroup();
		this.sequencer = new Sequencer(this.state, EPOCH, Set.of(), null, group);
		run(new Sequencer.CheckHolding());
		Worker a = join("a", 11);
		group.othersAlive = true;
		run(new Sequencer.Leave(a.link));
		CompletableFuture<Object> write = new CompletableFuture<>();
		run(new Sequencer.Write(null, new SetValue(1, "k", json("1"), 0), write));
		assertThat(write).isNotDone();
		// the member's process died: nobody else can have the write, the master is alone
		group.othersAlive = false;
		run(new Sequencer.ExpireUnconfirmed(this.runtime.nanoTime()));
		assertThat(write).isCompletedWithValue(1L);
	}

	@Test
	void mastersOwnWriteNoWorkerConfirmsFailsAfterTheWriteTimeout() {
		master(settings().writeTimeout(java.time.Duration.ofSeconds(1)).build(), null);
		join("a", 11);
		CompletableFuture<Object> write = new CompletableFuture<>();
		run(new Sequencer.Write(null, new SetValue(1, "k", json("1"), 0), write));
		run(new Sequencer.ExpireUnconfirmed(this.runtime.nanoTime() + 999_000_000L));
		assertThat(write).isNotDone();
		run(new Sequencer.ExpireUnconfirmed(this.runtime.nanoTime() + 1_001_000_000L));
		assertThatExceptionOfType(CompletionException.class).isThrownBy(write::join)
			.withCauseInstanceOf(io.globalval.GlobalValTimeoutException.class)
			.withMessageContaining("no worker confirmed it");
	}

	@Test
	void withFsyncAlwaysFramesAndAnswersWaitForTheForceAtTheEndOfTheBatch() throws Exception {
		ManualRuntime.MemoryDisk disk = new ManualRuntime.MemoryDisk();
		Persistence persistence = Persistence.in(Path.of("changes"), Persistence.Fsync.ALWAYS);
		NodeSettings settings = settings().persistence(persistence).build();
		master(settings, new ChangeStore(disk, persistence, settings.maxFrameSize()));
		Worker a = join("a", 11);
		CompletableFuture<Object> localWrite = new CompletableFuture<>();
		this.sequencer.process(a.write(new SetValue(1, "k", json("1"), 0)));
		this.sequencer.process(new Sequencer.Write(null, new SetValue(1, "m", json("2"), 0), localWrite));
		assertThat(a.peer.written()).isEmpty();
		assertThat(a.peer.corked()).isEmpty();
		assertThat(localWrite).isNotDone();
		int forces = disk.forces();
		this.sequencer.endBatch();
		assertThat(disk.forces()).isEqualTo(forces + 1);
		assertThat(a.peer.take()).containsExactly(new Message.Ack(1, 1), applied(2, "m", "2", MASTER_ID, 1));
		assertThat(a.peer.flushes()).isEqualTo(2);
		assertThat(localWrite).isCompletedWithValue(2L);
	}

	@Test
	void withFsyncAlwaysAnsweredChangesAreOnTheDisk(@TempDir Path directory) throws Exception {
		Disk disk = EngineRuntime.system().disk(directory);
		Persistence persistence = Persistence.in(directory, Persistence.Fsync.ALWAYS);
		NodeSettings settings = settings().persistence(persistence).build();
		try (ChangeStore store = new ChangeStore(disk, persistence, settings.maxFrameSize())) {
			master(settings, store);
			CompletableFuture<Object> localWrite = new CompletableFuture<>();
			this.sequencer.process(new Sequencer.Write(null, new SetValue(1, "k", json("1"), 0), localWrite));
			assertThat(localWrite).isNotDone();
			this.sequencer.endBatch();
			assertThat(localWrite).isCompletedWithValue(1L);
		}
		try (ChangeStore reopened = new ChangeStore(EngineRuntime.system().disk(directory), persistence,
				settings.maxFrameSize())) {
			assertThat(reopened.load().changes()).containsExactly(applied(1, "k", "1", MASTER_ID, 1));
		}
	}

	@Test
	void whenTheForceFailsNothingIsReleasedAndTheMasterStepsDown() throws Exception {
		ManualRuntime.MemoryDisk disk = new ManualRuntime.MemoryDisk();
		TestGroup group = persistentMaster(disk, Persistence.Fsync.ALWAYS);
		Worker a = join("a", 11);
		CompletableFuture<Object> localWrite = new CompletableFuture<>();
		disk.failForce(true);
		this.sequencer.process(a.write(new SetValue(1, "k", json("1"), 0)));
		this.sequencer.process(new Sequencer.Write(null, new SetValue(1, "m", json("2"), 0), localWrite));
		this.sequencer.endBatch();
		assertThat(a.peer.written()).isEmpty();
		assertThat(group.diskFailures).hasSize(1);
		// it was stored but not forced, and no other process has it: its outcome is unknown
		assertThatExceptionOfType(CompletionException.class).isThrownBy(localWrite::join)
			.withCauseExactlyInstanceOf(io.globalval.GlobalValException.class)
			.withMessageContaining("may have been applied");
		// nothing more is sequenced
		CompletableFuture<Object> later = new CompletableFuture<>();
		run(new Sequencer.Write(null, new SetValue(2, "n", json("3"), 0), later));
		assertThatExceptionOfType(CompletionException.class).isThrownBy(later::join)
			.withCauseInstanceOf(GlobalValRejectedException.class)
			.withMessageContaining("disk failed");
	}

	@Test
	void aChangeThatCannotBeStoredIsNotAppliedAndTheMasterStepsDown() throws Exception {
		ManualRuntime.MemoryDisk disk = new ManualRuntime.MemoryDisk();
		TestGroup group = persistentMaster(disk, Persistence.Fsync.EVERY_SECOND);
		Worker a = join("a", 11);
		run(a.write(new SetValue(1, "k", json("1"), 0)));
		a.peer.take();
		disk.full(true);
		run(a.write(new SetValue(2, "k", json("2"), 0)));
		// appended before applied: the append failed, so the change is nowhere, and the answer says so
		assertThat(this.state.replica.revision()).isEqualTo(1);
		assertThat(this.state.replica.entry("k").json()).isEqualTo(json("1"));
		assertThat(a.peer.take()).singleElement().isInstanceOfSatisfying(Message.Failure.class, (failure) -> {
			assertThat(failure.seq()).isEqualTo(2);
			assertThat(failure.code()).isEqualTo(ErrorCode.UNAVAILABLE);
			assertThat(failure.message()).contains("disk failed", "not applied");
		});
		assertThat(group.diskFailures).hasSize(1);
	}

	// helpers

	private static NodeSettings.Builder settings() {
		return NodeSettings.builder().name("test").nodeName("master").directory(Path.of("unused"));
	}

	private void newState(NodeSettings settings) {
		this.state = new NodeState(settings, new ValueCodec(JsonMapper.builder().build(), settings.maxValueSize()),
				this.runtime);
		this.state.epoch = EPOCH;
		this.state.replica.markReady();
	}

	/** A master with no members to wait for: it takes writes at once. */
	private void master(NodeSettings settings, ChangeStore store) {
		newState(settings);
		this.sequencer = new Sequencer(this.state, EPOCH, Set.of(), store, new TestGroup());
		run(new Sequencer.CheckHolding());
	}

	/** A master with persistence on a disk of memory, taking writes at once; returns its group. */
	private TestGroup persistentMaster(ManualRuntime.MemoryDisk disk, Persistence.Fsync fsync) throws IOException {
		Persistence persistence = Persistence.in(Path.of("changes"), fsync);
		NodeSettings settings = settings().persistence(persistence).build();
		TestGroup group = new TestGroup();
		newState(settings);
		this.sequencer = new Sequencer(this.state, EPOCH, Set.of(), new ChangeStore(disk, persistence,
				settings.maxFrameSize()), group);
		run(new Sequencer.CheckHolding());
		return group;
	}

	/** A master that waits for the members of the last group with these process ids. */
	private void takeOver(Long... members) {
		this.sequencer = new Sequencer(this.state, EPOCH, Set.of(members), null, new TestGroup());
		run(new Sequencer.CheckHolding());
	}

	/** Process commands as one batch. */
	private void run(Sequencer.Command... commands) {
		for (Sequencer.Command command : commands) {
			this.sequencer.process(command);
		}
		this.sequencer.endBatch();
	}

	/** A worker of this epoch joins, up to date, and forgets its welcome. */
	private Worker join(String name, int nodeId) {
		Worker worker = joinAt(name, nodeId, EPOCH, this.state.replica.revision());
		worker.peer.take();
		return worker;
	}

	private Worker joinAt(String name, int nodeId, long epoch, long lastRevision) {
		RecordingPeer peer = new RecordingPeer(name);
		WorkerLink link = link(peer, nodeId);
		run(new Sequencer.Join(link, hello(nodeId, epoch, lastRevision)));
		return new Worker(link, peer);
	}

	private static WorkerLink link(RecordingPeer peer, int nodeId) {
		return new WorkerLink(peer, nodeId, peer.describe(), nodeId);
	}

	/** The hello of a worker whose whole log was sequenced in one epoch. */
	private static Message.Hello hello(int nodeId, long epoch, long lastRevision) {
		return hello(nodeId, epoch, lastRevision,
				(lastRevision > 0) ? EpochHistory.of(new long[] { epoch }, new long[] { 1 }) : EpochHistory.EMPTY);
	}

	private static Message.Hello hello(int nodeId, long epoch, long lastRevision, EpochHistory history) {
		return new Message.Hello(Frame.PROTOCOL_VERSION, "test", lastRevision, epoch, nodeId, "worker-" + nodeId,
				nodeId, history);
	}

	private static Sequencer.Write local(WriteCommand command) {
		return new Sequencer.Write(null, command, new CompletableFuture<>());
	}

	private static Message.Applied applied(long revision, String key, String json, int origin, long seq) {
		return applied(revision, EPOCH, key, json, origin, seq);
	}

	private static Message.Applied applied(long revision, long epoch, String key, String json, int origin, long seq) {
		return new Message.Applied(revision, epoch, key, json(json), origin, seq, 0);
	}

	private static byte[] json(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private record Worker(WorkerLink link, RecordingPeer peer) {

		Sequencer.Write write(WriteCommand command) {
			return new Sequencer.Write(this.link, command, null);
		}

	}

	/** The group as a test sets it: members elsewhere alive or not. */
	private static final class TestGroup implements Sequencer.Group {

		boolean othersAlive;

		final List<Exception> diskFailures = new ArrayList<>();

		@Override
		public void membersSettled() {
		}

		@Override
		public void diskFailed(Exception cause) {
			this.diskFailures.add(cause);
		}

		@Override
		public boolean othersAlive() {
			return this.othersAlive;
		}

	}

}
