package io.globalval.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runner's queue on real threads: a bounded queue makes submitters wait for room
 * (never the thread running a batch), its depth can be read, and inline submitters run
 * batches on their own thread, one thread at a time, in queue order.
 */
class ThreadedCommandRunnerTests {

	private static final Duration BOUND = Duration.ofSeconds(10);

	/** Command 0 waits for this before it is done, so that the queue fills behind it. */
	private final CountDownLatch release = new CountDownLatch(1);

	private final CountDownLatch started = new CountDownLatch(1);

	private final List<Integer> processed = new CopyOnWriteArrayList<>();

	private final List<Integer> rejected = new CopyOnWriteArrayList<>();

	private ThreadedCommandRunner<Integer> runner;

	@AfterEach
	void close() {
		this.release.countDown();
		if (this.runner != null) {
			this.runner.close();
		}
	}

	private ThreadedCommandRunner<Integer> start(int capacity) {
		this.runner = new ThreadedCommandRunner<>("runner-test", new CommandHandler<>() {

			@Override
			public void process(Integer command) {
				if (command == 0) {
					ThreadedCommandRunnerTests.this.started.countDown();
					await().atMost(BOUND).until(() -> ThreadedCommandRunnerTests.this.release.getCount() == 0);
				}
				ThreadedCommandRunnerTests.this.processed.add(command);
			}

			@Override
			public void rejected(Integer command, String reason) {
				ThreadedCommandRunnerTests.this.rejected.add(command);
			}

		}, capacity);
		return this.runner;
	}

	/** Submit command 0 and wait until the runner is busy with it. */
	private void occupy(ThreadedCommandRunner<Integer> runner) throws InterruptedException {
		runner.submit(0);
		assertThat(this.started.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
	}

	private static Thread submitInBackground(ThreadedCommandRunner<Integer> runner, int command) {
		Thread submitter = new Thread(() -> runner.submit(command), "submitter-" + command);
		submitter.setDaemon(true);
		submitter.start();
		return submitter;
	}

	@Test
	void submitterWaitsForRoomWhileTheQueueIsFull() throws Exception {
		ThreadedCommandRunner<Integer> runner = start(2);
		occupy(runner);
		runner.submit(1);
		runner.submit(2);
		assertThat(runner.queued()).isEqualTo(2);
		Thread submitter = submitInBackground(runner, 3);
		try {
			await().atMost(BOUND).until(() -> submitter.getState() == Thread.State.TIMED_WAITING);
			assertThat(submitter.isAlive()).as("still waiting for room").isTrue();
			assertThat(runner.queued()).isEqualTo(2);
			this.release.countDown();
			submitter.join(BOUND.toMillis());
			assertThat(submitter.isAlive()).isFalse();
			await().atMost(BOUND).until(() -> this.processed.size() == 4);
			assertThat(this.processed).containsExactly(0, 1, 2, 3);
			assertThat(runner.queued()).isZero();
		}
		finally {
			submitter.interrupt();
		}
	}

	@Test
	void runnersOwnThreadNeverWaitsOnItsOwnQueue() {
		this.release.countDown();
		this.runner = new ThreadedCommandRunner<>("runner-test", new CommandHandler<>() {

			@Override
			public void process(Integer command) {
				if (command == 0) {
					// far over the capacity of 1, from the only thread that could make room
					IntStream.rangeClosed(1, 50).forEach(ThreadedCommandRunnerTests.this.runner::submit);
				}
				ThreadedCommandRunnerTests.this.processed.add(command);
			}

		}, 1);
		this.runner.submit(0);
		await().atMost(BOUND).until(() -> this.processed.size() == 51);
		assertThat(this.processed).isEqualTo(IntStream.rangeClosed(0, 50).boxed().toList());
		// room was given back, less what was queued over the limit: a submitter does not wait now
		this.runner.submit(51);
		await().atMost(BOUND).until(() -> this.processed.size() == 52);
	}

	@Test
	void waitingSubmitterIsRejectedWhenTheRunnerCloses() throws Exception {
		ThreadedCommandRunner<Integer> runner = start(1);
		occupy(runner);
		runner.submit(1);
		Thread submitter = submitInBackground(runner, 2);
		Thread closer = new Thread(runner::close, "closer");
		try {
			await().atMost(BOUND).until(() -> submitter.getState() == Thread.State.TIMED_WAITING);
			closer.start();
			await().atMost(BOUND).until(() -> this.rejected.contains(2));
			this.release.countDown();
			closer.join(BOUND.toMillis());
			assertThat(this.processed).containsExactly(0, 1);
		}
		finally {
			submitter.interrupt();
		}
	}

	@Test
	void interruptedSubmitterHasItsCommandRejected() throws Exception {
		ThreadedCommandRunner<Integer> runner = start(1);
		occupy(runner);
		runner.submit(1);
		Thread submitter = submitInBackground(runner, 2);
		await().atMost(BOUND).until(() -> submitter.getState() == Thread.State.TIMED_WAITING);
		submitter.interrupt();
		await().atMost(BOUND).until(() -> this.rejected.contains(2));
		this.release.countDown();
		await().atMost(BOUND).until(() -> this.processed.size() == 2);
		assertThat(this.processed).containsExactly(0, 1);
	}

	@Test
	void unboundedRunnerNeverMakesASubmitterWait() throws Exception {
		ThreadedCommandRunner<Integer> runner = start(ThreadedCommandRunner.UNBOUNDED);
		occupy(runner);
		IntStream.rangeClosed(1, 10_000).forEach(runner::submit);
		assertThat(runner.queued()).isEqualTo(10_000);
		this.release.countDown();
		await().atMost(BOUND).until(() -> this.processed.size() == 10_001);
	}

	@Test
	void inlineSubmitterRunsTheBatchOnItsOwnThreadWhenNoneIsRunning() {
		List<String> threads = new CopyOnWriteArrayList<>();
		AtomicInteger batches = new AtomicInteger();
		this.runner = new ThreadedCommandRunner<>("runner-test", new CommandHandler<>() {

			@Override
			public void process(Integer command) {
				threads.add(Thread.currentThread().getName());
				ThreadedCommandRunnerTests.this.processed.add(command);
			}

			@Override
			public void endBatch() {
				batches.incrementAndGet();
			}

		}, 16);
		this.runner.submitInline(1);
		this.runner.submitInline(2);
		assertThat(this.processed).containsExactly(1, 2);
		assertThat(threads).containsOnly(Thread.currentThread().getName());
		assertThat(batches).hasValue(2);
		assertThat(this.runner.queued()).isZero();
	}

	@Test
	void inlineSubmitterRunsOneBatchAtMostAndLeavesTheRestToTheRunnersThread() {
		List<String> threads = new CopyOnWriteArrayList<>();
		this.runner = new ThreadedCommandRunner<>("runner-test", new CommandHandler<>() {

			@Override
			public void process(Integer command) {
				if (command == 0) {
					// more than a batch, queued while this batch runs
					IntStream.rangeClosed(1, 600).forEach(ThreadedCommandRunnerTests.this.runner::submit);
				}
				threads.add(Thread.currentThread().getName());
				ThreadedCommandRunnerTests.this.processed.add(command);
			}

		}, 16);
		String caller = Thread.currentThread().getName();
		this.runner.submitInline(0);
		await().atMost(BOUND).until(() -> this.processed.size() == 601);
		assertThat(this.processed).isEqualTo(IntStream.rangeClosed(0, 600).boxed().toList());
		assertThat(threads.get(0)).isEqualTo(caller);
		assertThat(threads.subList(1, 601)).containsOnly("runner-test");
	}

	@Test
	void inlineSubmitterLeavesItsCommandToTheThreadRunningABatch() throws Exception {
		ThreadedCommandRunner<Integer> runner = start(16);
		occupy(runner);
		// the runner's thread is in a batch: this thread queues and goes on at once
		runner.submitInline(1);
		runner.submitInline(2);
		assertThat(this.processed).isEmpty();
		assertThat(runner.queued()).isEqualTo(2);
		this.release.countDown();
		await().atMost(BOUND).until(() -> this.processed.size() == 3);
		assertThat(this.processed).containsExactly(0, 1, 2);
	}

	@Test
	void manyInlineAndQueuedSubmittersKeepOneThreadAtATimeAndEachSubmittersOrder() throws Exception {
		int threads = 4;
		int each = 20_000;
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		List<List<Integer>> seen = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			seen.add(Collections.synchronizedList(new ArrayList<>()));
		}
		this.runner = new ThreadedCommandRunner<>("runner-test", new CommandHandler<>() {

			@Override
			public void process(Integer command) {
				if (inside.incrementAndGet() != 1) {
					overlaps.incrementAndGet();
				}
				// the runner lets one thread at a time in (the list's lock is for the test's reads)
				seen.get(command / each).add(command % each);
				inside.decrementAndGet();
			}

		}, 64);
		List<Thread> submitters = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int base = t * each;
			boolean inline = t % 2 == 0;
			Thread submitter = new Thread(() -> {
				for (int i = 0; i < each; i++) {
					if (inline) {
						this.runner.submitInline(base + i);
					}
					else {
						this.runner.submit(base + i);
					}
				}
			}, "submitter-" + t);
			submitter.setDaemon(true);
			submitters.add(submitter);
			submitter.start();
		}
		for (Thread submitter : submitters) {
			submitter.join(BOUND.toMillis());
			assertThat(submitter.isAlive()).isFalse();
		}
		await().atMost(BOUND).until(() -> this.runner.queued() == 0 && seen.stream().mapToInt(List::size).sum() == threads * each);
		assertThat(overlaps).hasValue(0);
		for (List<Integer> commands : seen) {
			assertThat(commands).isEqualTo(IntStream.range(0, each).boxed().toList());
		}
	}

}
