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
