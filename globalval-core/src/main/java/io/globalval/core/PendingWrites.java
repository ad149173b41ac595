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
 */
final class PendingWrites {

	private static final Comparator<PendingWrite> BY_SEQ = Comparator.comparingLong((write) -> write.seq);

	private final Map<Long, PendingWrite> bySeq = new ConcurrentHashMap<>();

	private final ConcurrentLinkedQueue<PendingWrite> byDeadline = new ConcurrentLinkedQueue<>();

	/**
	 * Track a write until it is answered, fails, expires or is removed.
	 * @param write the write; its sequence number is not tracked already
	 * @return the write's future
	 */
	CompletableFuture<Object> register(PendingWrite write) {
		this.bySeq.put(write.seq, write);
		this.byDeadline.add(write);
		return write.future;
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
		return this.bySeq.remove(seq);
	}

	/**
	 * Stop tracking a write, if it is still the one tracked for its sequence number.
	 * @param write the write
	 * @return whether it was tracked
	 */
	boolean remove(PendingWrite write) {
		return this.bySeq.remove(write.seq, write);
	}

	/**
	 * Complete the write of a sequence number with its outcome and stop tracking it.
	 * @param seq the sequence number
	 * @param outcome the outcome
	 * @return whether a write was tracked for it
	 */
	boolean complete(long seq, WriteOutcome outcome) {
		PendingWrite write = this.bySeq.remove(seq);
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
		PendingWrite write = this.bySeq.remove(seq);
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
		return this.bySeq.size();
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
				this.bySeq.remove(write.seq, write);
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
		this.bySeq.clear();
		this.byDeadline.clear();
		result.sort(BY_SEQ);
		return result;
	}

}
