package io.globalval.simulation;

import java.util.List;

/**
 * How one seeded run ended.
 *
 * @param seed the seed
 * @param options the options
 * @param failure what went wrong first, or {@code null}
 * @param trace the readable trace, when the options asked for one
 * @param steps the events executed
 * @param operations the client operations
 * @param faults the faults injected
 * @param revisions the revisions sequenced
 */
record SimulationResult(long seed, SimulationOptions options, String failure, List<String> trace, long steps,
		int operations, int faults, int revisions) {

	boolean failed() {
		return this.failure != null;
	}

}
