package io.globalval.benchmarks.harness;

import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import tools.jackson.databind.JsonNode;

/**
 * A workload of WORKLOADS.md that the harness runs on one system at a time: it starts
 * the system's processes through the {@link Harness}, drives them with
 * {@link ChildCommand}s, and emits its JSON line(s) through the harness.
 */
abstract class Workload {

	/** A second in nanoseconds. */
	static final long SECOND_NANOS = 1_000_000_000L;

	private final Harness harness;

	private final String letter;

	Workload(Harness harness, String letter) {
		this.harness = harness;
		this.letter = letter;
	}

	/** The workload's letter in WORKLOADS.md, on the command line and in the JSON lines. */
	final String letter() {
		return this.letter;
	}

	/**
	 * Run this workload once on a system and emit its line(s).
	 * @param system the system
	 */
	abstract void run(String system);

	/** The harness that runs this workload. */
	protected final Harness harness() {
		return this.harness;
	}

	/** What the harness was asked to run. */
	protected final HarnessOptions options() {
		return this.harness.options();
	}

	/** A new JSON line of this workload on a system. */
	protected final Map<String, Object> line(String system) {
		return this.harness.line(system, this.letter);
	}

	/** Print a JSON line and append it to {@code --out}. */
	protected final void emit(Map<String, Object> line) {
		this.harness.emit(line);
	}

	/**
	 * Warm a group up with {@code --warm} sets by each writer, then wait until every
	 * replica has them and the JIT had a moment.
	 */
	protected final void warm(SystemGroup group, List<ChildProcess> writers) {
		HarnessOptions options = options();
		if (options.warmSets > 0) {
			List<JsonNode> warmed = ChildProcess.callAll(writers, options.warmMillis + 120_000,
					new ChildCommand.Warm(options.warmSets, options.warmMillis));
			if (writers.size() == 1) {
				group.sync("warm", warmed.get(0).get("sets").asLong() - 1);
			}
			else if ("globalval".equals(group.system)) {
				group.sync(null, 0);
			}
			else {
				pause(1000);
			}
			// let the JIT finish what the warm-up queued before anything is measured
			pause(500);
		}
	}

	/** Wait {@code millis} milliseconds. */
	protected static void pause(long millis) {
		LockSupport.parkNanos(millis * 1_000_000);
	}

}
