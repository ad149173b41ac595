package io.globalval.benchmarks.harness;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One process of a system under test, as a workload drives it: the same few operations
 * for globalval, the raw relay and Hazelcast.
 */
public interface BenchNode extends AutoCloseable {

	/** A future that is already complete, for systems whose writes are synchronous. */
	CompletableFuture<Object> DONE = CompletableFuture.completedFuture(null);

	/**
	 * Connect and wait until this process may read and write.
	 * @throws Exception if it cannot
	 */
	void start() throws Exception;

	/**
	 * Set a key. Asynchronous where the system allows it.
	 * @param key the key
	 * @param value the value
	 * @return completes when the system says the write is done
	 */
	CompletableFuture<?> set(String key, Values.Val value);

	/**
	 * Add one to an integer key with the system's best atomic primitive, or get-then-set
	 * where it has none.
	 * @param key the key
	 * @return completes when done
	 */
	CompletableFuture<?> increment(String key);

	/**
	 * Return the JSON text of a key in this process's copy.
	 * @param key the key
	 * @return the value, or {@code null}
	 */
	String get(String key);

	/**
	 * Return the number of keys in this process's copy.
	 * @return the size
	 */
	int size();

	/**
	 * Return this process's whole map, as JSON text per key.
	 * @return the entries
	 */
	Map<String, String> dump();

	/**
	 * Return the bytes this process has written to the system's inter-process channels.
	 * @return the count, or -1 when the system cannot count them
	 */
	long bytesSent();

	/**
	 * Set the probe told about every update that becomes visible here.
	 * @param probe the probe
	 */
	void probe(Probe probe);

	/**
	 * Set what receives, for every change applied here, the nanoseconds from its origin's
	 * write to its application in the replica, before any listener runs (globalval only:
	 * its {@code NodeMetrics#onPropagation}).
	 * @param recorder the recorder, or {@code null} to stop
	 */
	default void appliedProbe(java.util.function.LongConsumer recorder) {
	}

	/**
	 * Return the system's revision here (globalval only).
	 * @return the revision, or -1
	 */
	default long revision() {
		return -1;
	}

	/**
	 * Wait until this process has applied a revision (globalval only).
	 * @param revision the revision
	 * @param timeoutMillis the longest wait
	 * @throws Exception if it does not get there
	 */
	default void awaitRevision(long revision, long timeoutMillis) throws Exception {
	}

	@Override
	void close();

}
