package io.globalval.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CommandRunner} with a thread of its own: it takes every command queued so far
 * (up to {@link #MAX_BATCH}), hands them to the handler one by one, then ends the batch.
 * A command that throws is logged and the handler goes on with the next one.
 * <p>
 * Inline batches: a thread of our own that {@link #submitInline submits inline} (a
 * transport's reader) runs the batch itself when no other thread is running one, instead
 * of waking the runner's thread, as Agrona's {@code AgentInvoker} drives an agent on the
 * caller's thread: a write then crosses one thread less. Whichever thread runs a batch
 * holds the runner's processing lock and takes the commands off the queue under it, so
 * commands are processed one at a time, in the order they were queued, and batches keep
 * their meaning (one flush, one fsync, per batch). A thread that finds the lock taken
 * leaves its command to the holder; an inline thread runs one batch at most (then it
 * goes back to its own connection) and leaves what is still queued to the runner's
 * thread, which it wakes.
 * <p>
 * Parking: when its queue is empty, the runner's thread yields once and looks again
 * before it parks, so that a command queued meanwhile (the next burst's events, under a
 * stream of changes) costs no wake-up. One yield per empty queue, never a spin.
 * <p>
 * Back-pressure: a bounded runner lets at most its capacity of commands wait; a thread
 * that submits to a full queue (a transport's reader, an API caller) waits for room, so a
 * flood of writes slows its sources down instead of exhausting memory. The thread that
 * runs a batch never waits on its own queue (it alone makes room): what it submits is
 * queued over the limit if need be. A waiting submitter that is interrupted, or whose
 * runner closes or stops, has its command {@link CommandHandler#rejected rejected}. An
 * unbounded runner never waits.
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

	private final ConcurrentLinkedQueue<C> queue = new ConcurrentLinkedQueue<>();

	/** Commands in {@link #queue}: its own size() walks it. */
	private final AtomicInteger queued = new AtomicInteger();

	/** One permit per command that may still be queued; {@code null} when unbounded. */
	private final Semaphore room;

	/** Held by the thread that runs a batch: the runner's own, or one that submitted inline. */
	private final ReentrantLock processing = new ReentrantLock();

	private final Thread thread;

	/** The batch being processed; under {@link #processing}. */
	private final List<C> batch = new ArrayList<>(MAX_BATCH);

	/** Commands queued without a permit by the thread running a batch; under {@link #processing}. */
	private int overdraft;

	/** Whether the runner's thread is about to park or parked, so that a submitter must wake it. */
	private volatile boolean idle;

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
		if (enqueue(command) && this.idle) {
			LockSupport.unpark(this.thread);
		}
	}

	/**
	 * Queue a command and, unless another thread is running a batch, run the batch on this
	 * thread. For threads of our own that may do the handler's work (its sends, its disk
	 * writes) and are never interrupted while they do: a transport's reader.
	 * @param command the command
	 */
	@Override
	public void submitInline(C command) {
		if (!enqueue(command)) {
			return;
		}
		if (this.processing.isHeldByCurrentThread()) {
			return;
		}
		if (!this.closed && this.processing.tryLock()) {
			try {
				runBatch();
			}
			finally {
				this.processing.unlock();
			}
		}
		// One batch at most, so that a reader gets back to its own connection however fast
		// others queue. What is left goes to the runner's thread: queued while this thread
		// held the lock, or by one that found it held by another inline thread, which also
		// looks at the queue after it lets go.
		if (!this.queue.isEmpty() && this.idle) {
			LockSupport.unpark(this.thread);
		}
	}

	/**
	 * Queue a command, having taken a permit (waiting for one) if bounded.
	 * @return whether it was queued; if not, it was rejected
	 */
	private boolean enqueue(C command) {
		if (this.closed) {
			this.handler.rejected(command, "it is shutting down");
			return false;
		}
		if (this.room != null) {
			if (this.processing.isHeldByCurrentThread()) {
				if (!this.room.tryAcquire()) {
					this.overdraft++;
				}
			}
			else if (!awaitRoom(command)) {
				return false;
			}
		}
		this.queued.incrementAndGet();
		this.queue.add(command);
		return true;
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
		return this.queued.get();
	}

	private void run() {
		try {
			boolean yielded = false;
			while (!this.stopped) {
				if (this.queue.isEmpty()) {
					if (this.closed) {
						break;
					}
					if (!yielded) {
						// once, before parking: what submitters queue meanwhile runs without a wake-up
						yielded = true;
						Thread.yield();
						continue;
					}
					yielded = false;
					// a submitter queues, then reads idle; this thread sets idle, then reads the
					// queue: one of them sees the other
					this.idle = true;
					if (this.queue.isEmpty() && !this.closed) {
						LockSupport.park(this);
					}
					this.idle = false;
					continue;
				}
				yielded = false;
				this.processing.lock();
				try {
					runBatch();
				}
				finally {
					this.processing.unlock();
				}
			}
		}
		finally {
			this.processing.lock();
			try {
				this.stopped = true;
				this.handler.stopped();
			}
			finally {
				this.processing.unlock();
			}
		}
	}

	/**
	 * Process what is queued, up to {@link #MAX_BATCH} commands, and end the batch. Under
	 * {@link #processing}; nothing when the runner stopped.
	 */
	private void runBatch() {
		if (this.stopped) {
			return;
		}
		List<C> commands = this.batch;
		C command;
		while (commands.size() < MAX_BATCH && (command = this.queue.poll()) != null) {
			commands.add(command);
		}
		if (commands.isEmpty()) {
			return;
		}
		this.queued.addAndGet(-commands.size());
		makeRoom(commands.size());
		try {
			for (C each : commands) {
				try {
					this.handler.process(each);
				}
				catch (RuntimeException ex) {
					logger.error("{} failed on {}; it goes on with the next command", this.thread.getName(), each, ex);
					this.handler.rejected(each, "internal error: " + ex);
				}
			}
		}
		finally {
			commands.clear();
		}
		try {
			this.handler.endBatch();
		}
		catch (RuntimeException ex) {
			logger.error("{} stopped: ending a batch failed", this.thread.getName(), ex);
			this.stopped = true;
			LockSupport.unpark(this.thread);
		}
	}

	/**
	 * Give back the permits of commands just taken off the queue, less those queued
	 * without one: the capacity counts what waits, not the batch being processed.
	 */
	private void makeRoom(int taken) {
		if (this.room == null) {
			return;
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
		LockSupport.unpark(this.thread);
		if (Thread.currentThread() == this.thread || this.processing.isHeldByCurrentThread()) {
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

}
