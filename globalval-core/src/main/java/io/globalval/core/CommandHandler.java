package io.globalval.core;

/**
 * A single-threaded state machine fed by a {@link CommandRunner}: it is given one command
 * at a time and told when a batch ends, so that it can flush what the batch produced
 * (one write per link, one fsync per batch). Never called by two threads at once.
 *
 * @param <C> the command type
 */
public interface CommandHandler<C> {

	/**
	 * Process one command.
	 * @param command the command
	 */
	void process(C command);

	/**
	 * The commands taken together have been processed: flush their outputs.
	 */
	default void endBatch() {
	}

	/**
	 * A command that arrived after the runner was closed, and will not be processed.
	 * Called on the submitting thread.
	 * @param command the command
	 * @param reason why, for the caller's exception
	 */
	default void rejected(C command, String reason) {
	}

	/**
	 * The runner has stopped; nothing will be processed any more.
	 */
	default void stopped() {
	}

}
