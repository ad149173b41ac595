package io.globalval.cluster;

import java.time.Duration;
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
 * @param basePort the HTTP port of worker 1 (worker i gets {@code basePort + i - 1}), or
 * {@code null} when the application serves no HTTP
 * @param restartBackoff the wait before restarting a worker that exited; doubles on
 * every restart in a row, up to {@link #MAX_BACKOFF}
 * @param maxRestartsPerMinute how often one worker may be restarted in a minute before
 * the master gives up on it
 * @param stopTimeout how long a worker may take to stop after SIGTERM before it is killed
 */
public record WorkerLaunch(int workers, List<String> command, Map<String, String> environment, Integer basePort,
		Duration restartBackoff, int maxRestartsPerMinute, Duration stopTimeout) {

	/** The longest wait between restarts. */
	public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

	/** Environment variable that tells a worker its index, from 1. */
	public static final String WORKER_INDEX_VARIABLE = "GLOBALVAL_CLUSTER_WORKER_INDEX";

	/**
	 * Check the settings.
	 */
	public WorkerLaunch {
		Objects.requireNonNull(command, "'command' must not be null");
		Objects.requireNonNull(environment, "'environment' must not be null");
		Objects.requireNonNull(restartBackoff, "'restartBackoff' must not be null");
		Objects.requireNonNull(stopTimeout, "'stopTimeout' must not be null");
		if (workers < 0) {
			throw new IllegalArgumentException("workers must not be negative, was " + workers);
		}
		if (command.isEmpty()) {
			throw new IllegalArgumentException("'command' must not be empty");
		}
		command = List.copyOf(command);
		environment = Map.copyOf(environment);
	}

}
