package io.globalval.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.globalval.protocol.WriteOutcome;

/**
 * The writes of one node that are not answered yet, by sequence number and by deadline:
 * the one tracker of the worker and the peer roles. What to send, and what to tell a
 * caller whose write expired, stays with the role; this class only keeps the writes.
 * <p>
 * Thread-safe: callers' threads register writes while one reader thread answers them
 * and one thread at a time calls {@link #expire(long)}. It never reads a clock: the
 * caller passes the time, so that the engine that owns it stays deterministic.
 * <p>
 * The deadline queue holds the writes in registration order, which is deadline order
 * (every deadline is the registration time plus the same timeout), so that expiry stops
 * at the first write that has not expired instead of visiting every pending write: with
 * tens of thousands of asynchronous writes in flight, a full sweep every period showed
 * in profiles. Answered writes leave the queue lazily, when expiry reaches them.
 * <p>
 * A writer may wait for room ({@link #awaitRoom}) when as many writes as it allows are
 * tracked: the back-pressure that keeps a process writing faster than its master answers
 * from holding an ever longer queue (whose writes live long enough for the garbage
 * collector to copy them again and again).
 */
final class PendingWrites {

	private static final Comparator<PendingWrite> BY_SEQ = Comparator.comparingLong((write) -> write.seq);

	private final Map<Long, PendingWrite> bySeq = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<PendingWrite> byDeadline = new ConcurrentLinkedQueue<>();

	/** How many writes {@link #bySeq} holds, kept apart because its size() sums counter cells. */
	private final AtomicInteger tracked = new AtomicInteger();

	private final ReentrantLock roomLock = new ReentrantLock();

	private final Condition roomMade = this.roomLock.newCondition();

	/** Threads in {@link #awaitRoom}; written under {@link #roomLock}, so that a release signals only when needed. */
	private volatile int waiting;

	/**
	 * Track a write until it is answered, fails, expires or is removed.
	 * @param write the write; its sequence number is not tracked already
	 * @return the write's future
	 */
	CompletableFuture<Object> register(PendingWrite write) {
		if (this.bySeq.put(write.seq, write) == null) {
			this.tracked.incrementAndGet();
		}
		this.byDeadline.add(write);
		return write.future;
	}

	/**
	 * Wait until fewer writes than a limit are tracked, or a timeout. Returns at once when
	 * there is room; the room may be gone again by the time the caller registers its
	 * write (concurrent writers may overshoot the limit by their number), which is what a
	 * bound on memory needs. Uses the caller's thread and the real clock.
	 * @param limit the most writes tracked at once
	 * @param timeoutNanos the longest wait
	 * @return whether there is room
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean awaitRoom(int limit, long timeoutNanos) throws InterruptedException {
		if (this.tracked.get() < limit) {
			return true;
		}
		this.roomLock.lockInterruptibly();
		try {
			this.waiting++;
			long left = timeoutNanos;
			while (this.tracked.get() >= limit) {
				if (left <= 0) {
					return false;
				}
				left = this.roomMade.awaitNanos(left);
			}
			return true;
		}
		finally {
			this.waiting--;
			this.roomLock.unlock();
		}
	}

	/** Count writes that stopped being tracked, and wake the writers waiting for room. */
	private void untracked(int count) {
		this.tracked.addAndGet(-count);
		if (this.waiting > 0) {
			this.roomLock.lock();
			try {
				this.roomMade.signalAll();
			}
			finally {
				this.roomLock.unlock();
			}
		}
	}

	/** Count one write that stopped being tracked, if there was one. */
	private PendingWrite untracked(PendingWrite write) {
		if (write != null) {
			untracked(1);
		}
		return write;
	}

	/**
	 * Return the write of a sequence number.
	 * @param seq the sequence number
	 * @return the write, or {@code null} if none is tracked
	 */
	PendingWrite find(long seq) {
		return this.bySeq.get(seq);
	}

	/**
	 * Stop tracking the write of a sequence number; its future is left as it is.
	 * @param seq the sequence number
	 * @return the write, or {@code null} if none was tracked
	 */
	PendingWrite remove(long seq) {
		return untracked(this.bySeq.remove(seq));
	}

	/**
	 * Stop tracking a write, if it is still the one tracked for its sequence number.
	 * @param write the write
	 * @return whether it was tracked
	 */
	boolean remove(PendingWrite write) {
		if (!this.bySeq.remove(write.seq, write)) {
			return false;
		}
		untracked(1);
		return true;
	}

	/**
	 * Complete the write of a sequence number with its outcome and stop tracking it.
	 * @param seq the sequence number
	 * @param outcome the outcome
	 * @return whether a write was tracked for it
	 */
	boolean complete(long seq, WriteOutcome outcome) {
		PendingWrite write = remove(seq);
		if (write == null) {
			return false;
		}
		write.completeWith(outcome);
		return true;
	}

	/**
	 * Fail the write of a sequence number and stop tracking it.
	 * @param seq the sequence number
	 * @param cause why it failed
	 * @return whether a write was tracked for it
	 */
	boolean fail(long seq, Throwable cause) {
		PendingWrite write = remove(seq);
		if (write == null) {
			return false;
		}
		write.future.completeExceptionally(cause);
		return true;
	}

	/**
	 * Return whether no write is tracked.
	 * @return whether empty
	 */
	boolean isEmpty() {
		return this.bySeq.isEmpty();
	}

	/**
	 * Return how many writes are tracked.
	 * @return the count
	 */
	int size() {
		return this.tracked.get();
	}

	/**
	 * Find the writes whose deadline has passed: take writes off the deadline queue up
	 * to the first one still waiting whose deadline has not passed (later ones expire
	 * later, up to the skew between concurrent registrations). The expired writes stay
	 * tracked and their futures untouched: the caller fails them and decides whether to
	 * keep them (a worker keeps a sent write, because only it knows the value an ack
	 * applies). Called by one thread at a time.
	 * @param nowNanos the time now, in the terms of the writes' deadlines
	 * @return the expired writes that are tracked and not completed, in deadline order
	 */
	List<PendingWrite> expire(long nowNanos) {
		List<PendingWrite> expired = null;
		PendingWrite write;
		while ((write = this.byDeadline.peek()) != null) {
			boolean current = this.bySeq.get(write.seq) == write;
			if (current && !write.future.isDone() && nowNanos - write.deadlineNanos < 0) {
				break;
			}
			this.byDeadline.poll();
			if (!current || write.future.isDone()) {
				// answered, failed or removed meanwhile
				continue;
			}
			if (expired == null) {
				expired = new ArrayList<>();
			}
			expired.add(write);
		}
		return (expired != null) ? expired : List.of();
	}

	/**
	 * Fail every tracked write and stop tracking it.
	 * @param cause why they failed
	 */
	void failAll(Throwable cause) {
		Iterator<PendingWrite> it = this.bySeq.values().iterator();
		while (it.hasNext()) {
			PendingWrite write = it.next();
			it.remove();
			untracked(1);
			write.future.completeExceptionally(cause);
		}
	}

	/**
	 * Wait until every tracked write is completed (answered or failed), for at most a
	 * timeout: what a closing node gives its writes in flight.
	 * @param timeout the longest wait
	 * @return whether every write was completed in time
	 */
	boolean awaitAll(Duration timeout) {
		if (this.bySeq.isEmpty()) {
			return true;
		}
		CompletableFuture<?>[] futures = this.bySeq.values()
			.stream()
			.map((write) -> write.future)
			.toArray(CompletableFuture[]::new);
		try {
			CompletableFuture.allOf(futures).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (ExecutionException ex) {
			// every write is completed, some of them exceptionally
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Forget the writes whose futures are completed (answered, failed or timed out) and
	 * return the others, in sequence order: what goes again on a new connection.
	 * @return the unanswered writes, still tracked
	 */
	List<PendingWrite> unanswered() {
		List<PendingWrite> result = new ArrayList<>();
		for (PendingWrite write : this.bySeq.values()) {
			if (write.future.isDone()) {
				remove(write);
			}
			else {
				result.add(write);
			}
		}
		result.sort(BY_SEQ);
		return result;
	}

	/**
	 * Stop tracking every write, and return the unanswered ones in sequence order: what a
	 * worker hands over when its node becomes master. The caller keeps new writes from
	 * being registered meanwhile.
	 * @return the unanswered writes, no longer tracked
	 */
	List<PendingWrite> handOver() {
		List<PendingWrite> result = new ArrayList<>();
		for (PendingWrite write : this.bySeq.values()) {
			if (!write.future.isDone()) {
				result.add(write);
			}
		}
		Iterator<PendingWrite> it = this.bySeq.values().iterator();
		while (it.hasNext()) {
			it.next();
			it.remove();
			untracked(1);
		}
		this.byDeadline.clear();
		result.sort(BY_SEQ);
		return result;
	}

}
