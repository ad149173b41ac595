package io.globalval.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CommandRunner} with a thread of its own: it takes every command queued so far
 * (up to {@link #MAX_BATCH}), hands them to the handler one by one, then ends the batch.
 * A command that throws is logged and the handler goes on with the next one.
 *
 * @param <C> the command type
 */
final class ThreadedCommandRunner<C> implements CommandRunner<C> {

	private static final Logger logger = LoggerFactory.getLogger(ThreadedCommandRunner.class);

	/** Commands processed before a batch ends (and its outputs are flushed). */
	static final int MAX_BATCH = 256;

	private static final long CLOSE_WAIT_MILLIS = 5000;

	private final CommandHandler<C> handler;

	private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();

	private final Thread thread;

	private volatile boolean closed;

	ThreadedCommandRunner(String name, CommandHandler<C> handler) {
		this.handler = handler;
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
		this.queue.add(command);
	}

	@SuppressWarnings("unchecked")
	private void run() {
		List<Object> batch = new ArrayList<>(MAX_BATCH);
		try {
			while (!this.closed || !this.queue.isEmpty()) {
				batch.add(this.queue.take());
				this.queue.drainTo(batch, MAX_BATCH - 1);
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
			this.handler.stopped();
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
