package io.globalval.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a master starts the worker processes of its application.
 *
 * @param workers how many workers to start
 * @param command the command that starts one worker (java, JVM options, classpath or jar,
 * main class, application arguments)
 * @param environment extra environment variables for every worker
 * @param ports the ports every worker gets as a command-line argument of its own (worker
 * i gets {@code first + i - 1}), none when the application listens on none
 * @param restartBackoff the wait before restarting a worker that exited; doubles on
 * every restart in a row, up to {@link #MAX_BACKOFF}
 * @param maxRestartsPerMinute how often one worker may be restarted in a minute before
 * the master gives up on it
 * @param stopTimeout how long a worker may take to stop after SIGTERM before it is killed
 * @param output where the workers' standard output and error go
 */
public record WorkerLaunch(int workers, List<String> command, Map<String, String> environment, List<WorkerPort> ports,
		Duration restartBackoff, int maxRestartsPerMinute, Duration stopTimeout, WorkerOutput output) {

	/** The longest wait between restarts. */
	public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

	/** Environment variable that tells a worker its index, from 1. */
	public static final String WORKER_INDEX_VARIABLE = "GLOBALVAL_CLUSTER_WORKER_INDEX";

	/**
	 * Environment variable that tells a worker the process id of the master that started
	 * it, set when the worker is to exit when that process is gone.
	 */
	public static final String PARENT_PID_VARIABLE = "GLOBALVAL_CLUSTER_PARENT_PID";

	/**
	 * Check the settings.
	 */
	public WorkerLaunch {
		Objects.requireNonNull(command, "'command' must not be null");
		Objects.requireNonNull(environment, "'environment' must not be null");
		Objects.requireNonNull(ports, "'ports' must not be null");
		Objects.requireNonNull(restartBackoff, "'restartBackoff' must not be null");
		Objects.requireNonNull(stopTimeout, "'stopTimeout' must not be null");
		Objects.requireNonNull(output, "'output' must not be null");
		if (workers < 0) {
			throw new IllegalArgumentException("workers must not be negative, was " + workers);
		}
		if (command.isEmpty()) {
			throw new IllegalArgumentException("'command' must not be empty");
		}
		command = List.copyOf(command);
		environment = Map.copyOf(environment);
		ports = List.copyOf(ports);
	}

	/**
	 * Return the command that starts one worker: {@link #command()} followed by its port
	 * arguments.
	 * @param index the worker's index, from 1
	 * @return the command
	 */
	public List<String> command(int index) {
		if (this.ports.isEmpty()) {
			return this.command;
		}
		List<String> command = new ArrayList<>(this.command);
		this.ports.forEach((port) -> command.add(port.argument(index)));
		return List.copyOf(command);
	}

}
