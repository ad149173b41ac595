package io.globalval.core;

/**
 * Feeds commands to a {@link CommandHandler}, one at a time, in submission order. In
 * production a thread with a queue ({@link SystemRuntime}); in a simulation, steps of
 * the simulated schedule.
 *
 * @param <C> the command type
 */
public interface CommandRunner<C> extends AutoCloseable {

	/**
	 * Queue a command. A bounded runner makes the caller wait while its queue is full
	 * (back-pressure), never its own thread; an unbounded one never blocks. After
	 * {@link #close()}, or if the caller is interrupted while it waits, the handler's
	 * {@link CommandHandler#rejected} is told instead.
	 * @param command the command
	 */
	void submit(C command);

	/**
	 * Queue a command from a thread that may run the handler itself (a transport's
	 * reader, never interrupted while it does): where the runner allows it, and no other
	 * thread is running a batch, the batch runs on this thread instead of waking the
	 * runner's, so the command crosses one thread less. Otherwise as {@link #submit}.
	 * @param command the command
	 */
	default void submitInline(C command) {
		submit(command);
	}

	/**
	 * Return how many commands wait to be processed, for a gauge.
	 * @return the commands queued, 0 where the runner does not count them
	 */
	default int queued() {
		return 0;
	}

	/**
	 * Process what is queued (waiting at most a moment), then stop; later commands are
	 * rejected.
	 */
	@Override
	void close();

}
