package io.globalval.cluster;

/**
 * What one worker of a {@link WorkerProcesses} is doing.
 *
 * @param name the worker's name, {@code worker-<index>}
 * @param state its state
 * @param pid its process id, 0 when it is not running
 * @param restarts how often it was restarted
 */
public record WorkerStatus(String name, State state, long pid, int restarts) {

	/**
	 * The state of a worker.
	 */
	public enum State {

		/** Its process is running. */
		RUNNING,

		/** Its process exited and a restart is scheduled. */
		RESTARTING,

		/**
		 * Its process exited after more restarts within a minute than allowed: it is not
		 * restarted again.
		 */
		GAVE_UP,

		/** It was stopped, or never started. */
		STOPPED

	}

}
