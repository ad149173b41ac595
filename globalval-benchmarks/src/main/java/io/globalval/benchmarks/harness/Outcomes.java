package io.globalval.benchmarks.harness;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts how a stream of asynchronous writes ends without holding their futures, as an
 * application writing as fast as it can would: each future gets a callback and is let
 * go, so that the harness adds no old-generation garbage that a system with completed
 * futures (the relay's) does not have.
 */
final class Outcomes {

	private final AtomicInteger submitted = new AtomicInteger();

	private final AtomicInteger completed = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private volatile String failureExample;

	/** Whether {@link #failures} waits; until then a completion costs no lock. */
	private volatile boolean waiting;

	/**
	 * Count a write's future.
	 * @param future the write's future
	 */
	void track(CompletableFuture<?> future) {
		this.submitted.incrementAndGet();
		future.whenComplete((value, ex) -> {
			if (ex != null) {
				this.failed.incrementAndGet();
				this.failureExample = String.valueOf(ex);
			}
			if (this.completed.incrementAndGet() >= this.submitted.get() && this.waiting) {
				synchronized (this) {
					notifyAll();
				}
			}
		});
	}

	/**
	 * Wait until every write counted so far has ended, or a timeout.
	 * @param timeoutMillis the most to wait
	 * @return the writes that failed or did not end in time
	 * @throws InterruptedException if interrupted
	 */
	int failures(long timeoutMillis) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		this.waiting = true;
		synchronized (this) {
			long left;
			while (this.completed.get() < this.submitted.get() && (left = deadline - System.nanoTime()) > 0) {
				// in slices: a completion between the check and the wait is seen at the next one
				TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
			}
		}
		int notEnded = this.submitted.get() - this.completed.get();
		if (notEnded > 0) {
			this.failureExample = notEnded + " not completed within " + timeoutMillis + " ms";
		}
		return this.failed.get() + notEnded;
	}

	String failureExample() {
		return this.failureExample;
	}

}
