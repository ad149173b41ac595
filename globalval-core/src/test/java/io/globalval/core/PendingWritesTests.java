package io.globalval.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.globalval.GlobalValConnectionException;
import io.globalval.protocol.WriteCommand;
import io.globalval.protocol.WriteCommand.IncrementValue;
import io.globalval.protocol.WriteCommand.SetValue;
import io.globalval.protocol.WriteOutcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link PendingWrites}, one thread and explicit times: no clock, no socket.
 */
class PendingWritesTests {

	private final PendingWrites pending = new PendingWrites();

	@Test
	void registeredWriteIsFoundBySequenceNumber() {
		PendingWrite write = write(1, 100);
		CompletableFuture<Object> future = this.pending.register(write);
		assertThat(future).isSameAs(write.future).isNotDone();
		assertThat(this.pending.find(1)).isSameAs(write);
		assertThat(this.pending.find(2)).isNull();
		assertThat(this.pending.size()).isEqualTo(1);
	}

	@Test
	void answeredWriteCompletesWithItsKindsResultAndIsForgotten() {
		PendingWrite set = register(write(1, 100));
		PendingWrite increment = register(new PendingWrite(new IncrementValue(2, "n", 5, 0), 100));
		assertThat(this.pending.complete(1, new WriteOutcome(7, true, 0))).isTrue();
		assertThat(this.pending.complete(2, new WriteOutcome(8, true, 15))).isTrue();
		assertThat(set.future).isCompletedWithValue(7L);
		assertThat(increment.future).isCompletedWithValue(15L);
		assertThat(this.pending.complete(1, new WriteOutcome(9, true, 0))).isFalse();
		assertThat(this.pending.isEmpty()).isTrue();
	}

	@Test
	void appliedIncrementCompletesWithTheNumberInTheChange() {
		PendingWrite increment = register(new PendingWrite(new IncrementValue(1, "n", 5, 0), 100));
		this.pending.remove(1).applied(3, "15".getBytes(StandardCharsets.US_ASCII));
		assertThat(increment.future).isCompletedWithValue(15L);
	}

	@Test
	void failedWriteCompletesExceptionallyAndIsForgotten() {
		PendingWrite write = register(write(1, 100));
		RuntimeException cause = new RuntimeException("refused");
		assertThat(this.pending.fail(1, cause)).isTrue();
		assertThat(write.future).isCompletedExceptionally();
		assertThat(this.pending.find(1)).isNull();
		assertThat(this.pending.fail(1, cause)).isFalse();
	}

	@Test
	void expiryReturnsTheWritesPastTheirDeadlineAndLeavesThemTracked() {
		PendingWrite first = register(write(1, 100));
		PendingWrite second = register(write(2, 200));
		register(write(3, 300));
		assertThat(this.pending.expire(99)).isEmpty();
		assertThat(this.pending.expire(200)).containsExactly(first, second);
		// the caller decides what happens to them; they are not returned twice
		assertThat(this.pending.find(1)).isSameAs(first);
		assertThat(first.future).isNotDone();
		assertThat(this.pending.expire(250)).isEmpty();
	}

	@Test
	void expiryStopsAtTheFirstWriteThatHasNotExpired() {
		PendingWrite first = register(write(1, 100));
		PendingWrite late = register(write(2, 300));
		// registered after a later deadline (skew between submitters): found once the one before it expires
		PendingWrite early = register(write(3, 200));
		assertThat(this.pending.expire(250)).containsExactly(first);
		assertThat(this.pending.expire(300)).containsExactly(late, early);
	}

	@Test
	void expirySkipsWritesAnsweredOrRemovedMeanwhile() {
		register(write(1, 100));
		PendingWrite removed = register(write(2, 100));
		PendingWrite timedOut = register(write(3, 100));
		PendingWrite last = register(write(4, 100));
		this.pending.complete(1, new WriteOutcome(5, true, 0));
		this.pending.remove(removed);
		timedOut.future.completeExceptionally(new RuntimeException("timed out"));
		assertThat(this.pending.expire(100)).containsExactly(last);
	}

	@Test
	void removingAWriteByIdentityLeavesAnotherOfTheSameSequenceNumber() {
		PendingWrite old = register(write(1, 100));
		PendingWrite current = register(write(1, 200));
		assertThat(this.pending.remove(old)).isFalse();
		assertThat(this.pending.find(1)).isSameAs(current);
		// the old one is no longer tracked, so expiry passes over it
		assertThat(this.pending.expire(200)).containsExactly(current);
	}

	@Test
	void failAllFailsEveryWriteAndForgetsThem() {
		PendingWrite first = register(write(1, 100));
		PendingWrite second = register(write(2, 200));
		GlobalValConnectionException cause = new GlobalValConnectionException("closed");
		this.pending.failAll(cause);
		assertThat(first.future).isCompletedExceptionally();
		assertThat(second.future).isCompletedExceptionally();
		assertThat(this.pending.isEmpty()).isTrue();
		assertThat(this.pending.expire(Long.MAX_VALUE)).isEmpty();
	}

	@Test
	void unansweredWritesComeInSequenceOrderWithoutTheSettledOnes() {
		PendingWrite third = register(write(3, 100));
		PendingWrite first = register(write(1, 100));
		PendingWrite settled = register(write(2, 100));
		PendingWrite fourth = register(write(4, 100));
		settled.future.completeExceptionally(new RuntimeException("timed out"));
		assertThat(this.pending.unanswered()).containsExactly(first, third, fourth);
		assertThat(this.pending.find(2)).isNull();
		assertThat(this.pending.find(3)).isSameAs(third);
	}

	@Test
	void handOverReturnsTheUnansweredWritesInOrderAndForgetsEveryWrite() {
		PendingWrite second = register(write(2, 100));
		PendingWrite first = register(write(1, 100));
		register(write(3, 100)).future.complete(4L);
		assertThat(this.pending.handOver()).containsExactly(first, second);
		assertThat(this.pending.isEmpty()).isTrue();
		assertThat(this.pending.expire(Long.MAX_VALUE)).isEmpty();
		assertThat(first.future).isNotDone();
	}

	@Test
	void awaitAllTellsWhetherEveryWriteIsCompleted() {
		assertThat(this.pending.awaitAll(Duration.ZERO)).isTrue();
		PendingWrite answered = register(write(1, 100));
		PendingWrite waiting = register(write(2, 100));
		answered.future.complete(1L);
		assertThat(this.pending.awaitAll(Duration.ZERO)).isFalse();
		waiting.future.completeExceptionally(new RuntimeException("failed"));
		assertThat(this.pending.awaitAll(Duration.ZERO)).isTrue();
	}

	@Test
	void roomIsThereBelowTheLimitAndMadeByEveryWayAWriteLeaves() throws Exception {
		for (long seq = 1; seq <= 6; seq++) {
			register(write(seq, 100));
		}
		assertThat(this.pending.awaitRoom(6, 0)).isFalse();
		assertThat(this.pending.awaitRoom(7, 0)).isTrue();
		this.pending.complete(1, new WriteOutcome(1, true, 0));
		this.pending.fail(2, new RuntimeException("refused"));
		this.pending.remove(3);
		this.pending.remove(this.pending.find(4));
		assertThat(this.pending.size()).isEqualTo(2);
		assertThat(this.pending.awaitRoom(3, 0)).isTrue();
		this.pending.find(5).future.complete(null);
		assertThat(this.pending.unanswered()).hasSize(1);
		assertThat(this.pending.size()).isEqualTo(1);
		assertThat(this.pending.handOver()).hasSize(1);
		assertThat(this.pending.size()).isZero();
		register(write(7, 100));
		this.pending.failAll(new RuntimeException("closed"));
		assertThat(this.pending.size()).isZero();
	}

	@Test
	void aWriterWaitingForRoomGoesOnWhenAWriteIsAnswered() throws Exception {
		register(write(1, 100));
		register(write(2, 100));
		CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
			try {
				return this.pending.awaitRoom(2, Duration.ofSeconds(30).toNanos());
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(waiter).isNotDone();
		this.pending.complete(1, new WriteOutcome(1, true, 0));
		assertThat(waiter.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aWriterWaitingForRoomGivesUpAfterItsTimeout() throws Exception {
		register(write(1, 100));
		long start = System.nanoTime();
		assertThat(this.pending.awaitRoom(1, Duration.ofMillis(50).toNanos())).isFalse();
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
	}

	private PendingWrite register(PendingWrite write) {
		this.pending.register(write);
		return write;
	}

	private static PendingWrite write(long seq, long deadlineNanos) {
		WriteCommand command = new SetValue(seq, "k" + seq, "1".getBytes(StandardCharsets.US_ASCII), 0);
		return new PendingWrite(command, deadlineNanos);
	}

}
