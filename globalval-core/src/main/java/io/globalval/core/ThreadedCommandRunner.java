package io.globalval.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CommandRunner} with a thread of its own: it takes every command queued so far
 * (up to {@link #MAX_BATCH}), hands them to the handler one by one, then ends the batch.
 * A command that throws is logged and the handler goes on with the next one.
 * <p>
 * Back-pressure: a bounded runner lets at most its capacity of commands wait; a thread
 * that submits to a full queue (a transport's reader, an API caller) waits for room, so a
 * flood of writes slows its sources down instead of exhausting memory. The runner's own
 * thread never waits on its own queue (it alone makes room): what it submits is queued
 * over the limit if need be. A waiting submitter that is interrupted, or whose runner
 * closes or stops, has its command {@link CommandHandler#rejected rejected}. An unbounded
 * runner never waits.
 *
 * @param <C> the command type
 */
final class ThreadedCommandRunner<C> implements CommandRunner<C> {

	private static final Logger logger = LoggerFactory.getLogger(ThreadedCommandRunner.class);

	/** Commands processed before a batch ends (and its outputs are flushed). */
	static final int MAX_BATCH = 256;

	/** Commands a bounded runner lets wait by default: 64 full batches. */
	static final int DEFAULT_CAPACITY = 64 * MAX_BATCH;

	/** The capacity of a runner that never makes a submitter wait. */
	static final int UNBOUNDED = Integer.MAX_VALUE;

	private static final long CLOSE_WAIT_MILLIS = 5000;

	/** How often a submitter waiting for room checks whether the runner closed or stopped. */
	private static final long ROOM_CHECK_MILLIS = 100;

	private final CommandHandler<C> handler;

	private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();

	/** One permit per command that may still be queued; {@code null} when unbounded. */
	private final Semaphore room;

	private final Thread thread;

	/** Commands the runner's own thread queued without a permit; its thread only. */
	private int overdraft;

	private volatile boolean closed;

	private volatile boolean stopped;

	ThreadedCommandRunner(String name, CommandHandler<C> handler) {
		this(name, handler, DEFAULT_CAPACITY);
	}

	/**
	 * Start a runner.
	 * @param name the thread's name
	 * @param handler the handler
	 * @param capacity the commands that may wait before a submitter waits for room, or
	 * {@link #UNBOUNDED}
	 */
	ThreadedCommandRunner(String name, CommandHandler<C> handler, int capacity) {
		if (capacity < 1) {
			throw new IllegalArgumentException("'capacity' must be at least 1, was " + capacity);
		}
		this.handler = handler;
		this.room = (capacity != UNBOUNDED) ? new Semaphore(capacity) : null;
		this.thread = new Thread(this::run, name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	@Override
	public void submit(C command) {
		if (this.closed) {
			this.handler.rejected(command, "it is shutting down");
			return;
		}
		if (this.room != null) {
			if (Thread.currentThread() == this.thread) {
				if (!this.room.tryAcquire()) {
					this.overdraft++;
				}
			}
			else if (!awaitRoom(command)) {
				return;
			}
		}
		this.queue.add(command);
	}

	/**
	 * Take a permit, waiting while the queue is full.
	 * @return whether the command may be queued; if not, it was rejected
	 */
	private boolean awaitRoom(C command) {
		try {
			while (!this.room.tryAcquire(ROOM_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
				if (this.closed || this.stopped) {
					this.handler.rejected(command, "it is shutting down");
					return false;
				}
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.handler.rejected(command, "the submitting thread was interrupted while the queue was full");
			return false;
		}
	}

	@Override
	public int queued() {
		return this.queue.size();
	}

	@SuppressWarnings("unchecked")
	private void run() {
		List<Object> batch = new ArrayList<>(MAX_BATCH);
		try {
			while (!this.closed || !this.queue.isEmpty()) {
				batch.add(this.queue.take());
				this.queue.drainTo(batch, MAX_BATCH - 1);
				makeRoom(batch);
				for (Object command : batch) {
					if (command == WAKE_UP) {
						continue;
					}
					try {
						this.handler.process((C) command);
					}
					catch (RuntimeException ex) {
						logger.error("{} failed on {}; it goes on with the next command", this.thread.getName(), command,
								ex);
						this.handler.rejected((C) command, "internal error: " + ex);
					}
				}
				batch.clear();
				this.handler.endBatch();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.error("{} stopped: ending a batch failed", this.thread.getName(), ex);
		}
		finally {
			this.stopped = true;
			this.handler.stopped();
		}
	}

	/**
	 * Give back the permits of commands just taken off the queue, less those queued
	 * without one: the capacity counts what waits, not the batch being processed.
	 */
	private void makeRoom(List<Object> batch) {
		if (this.room == null) {
			return;
		}
		int taken = 0;
		for (Object command : batch) {
			if (command != WAKE_UP) {
				taken++;
			}
		}
		int unpermitted = Math.min(this.overdraft, taken);
		this.overdraft -= unpermitted;
		if (taken > unpermitted) {
			this.room.release(taken - unpermitted);
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.queue.add(WAKE_UP);
		if (Thread.currentThread() == this.thread) {
			return;
		}
		try {
			this.thread.join(CLOSE_WAIT_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.thread.interrupt();
	}

	private static final Object WAKE_UP = new Object();

}
