package io.globalval.benchmarks.harness;

/**
 * Told, in a worker, that an update became visible there: its listener fired (or, for
 * the relay's and Hazelcast's own writes, the local map holds it). {@code now} is taken
 * before anything else is done with the update.
 */
@FunctionalInterface
public interface Probe {

	/** A probe that ignores everything. */
	Probe NONE = (key, w, s, t, now) -> {
	};

	/**
	 * An update arrived.
	 * @param key the key
	 * @param w the writer id in the value ({@link Values#NO_FIELD} if none)
	 * @param s the sequence number in the value
	 * @param t the writer's send time in the value
	 * @param now this process's nanoTime when the update became visible
	 */
	void arrived(String key, long w, long s, long t, long now);

}
