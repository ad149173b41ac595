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
	 * Queue a command; never blocks. After {@link #close()}, the handler's
	 * {@link CommandHandler#rejected} is told instead.
	 * @param command the command
	 */
	void submit(C command);

	/**
	 * Process what is queued (waiting at most a moment), then stop; later commands are
	 * rejected.
	 */
	@Override
	void close();

}
