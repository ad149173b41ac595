package io.globalval.cluster;

/**
 * Where the standard output and error of the workers go.
 */
public enum WorkerOutput {

	/**
	 * Each line is logged at INFO through SLF4J, by the logger
	 * {@code io.globalval.cluster.worker.<worker name>}, so that the master's log format
	 * (structured logging included) holds for every line it writes.
	 */
	LOG,

	/**
	 * The workers write to the master's standard output and error themselves, as they
	 * would on their own: nothing is added or forwarded.
	 */
	INHERIT;

	/** Prefix of the name of the logger of each worker's output, followed by its name. */
	public static final String LOGGER_PREFIX = "io.globalval.cluster.worker.";

}
