package io.globalval.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.globalval.Role;

/**
 * One process's part in an application's global values: its replica and its way to the
 * master. The core's entry point, used by {@code GlobalValTemplate}; values arrive here
 * already written as JSON. Two implementations: the master, which sequences every change,
 * and the worker, which sends its writes to the master and applies what it broadcasts.
 */
public interface GlobalValNode extends AutoCloseable {

	/**
	 * Return this node's role.
	 * @return the role
	 */
	Role role();

	/**
	 * Return the settings this node was started with.
	 * @return the settings
	 */
	NodeSettings settings();

	/**
	 * Return where this node's changes are sequenced, for logs and health details, as
	 * its transport describes it: the master's socket (Unix sockets) or host and port
	 * (TCP) for a master or a worker, the remote sequencer (such as a Redis server) for a
	 * peer. Never a password or secret.
	 * @return a description of the address
	 */
	String sequencerAddress();

	/**
	 * Return what a health report shows of a peer's remote sequencer beyond its address
	 * (for Redis: its topology and the last check of its history).
	 * @return details by name; empty for a master or a worker
	 */
	default Map<String, Object> sequencerDetails() {
		return Map.of();
	}

	/**
	 * Return the local replica.
	 * @return the replica
	 */
	Replica replica();

	/**
	 * Return this node's id in the group: 0 for the master, the id the master gave it for
	 * a worker (-1 before the first connection).
	 * @return the node id
	 */
	long nodeId();

	/**
	 * Set a key.
	 * @param key the key, already checked
	 * @param json the value's JSON bytes, already checked
	 * @return the revision, once applied here
	 */
	CompletableFuture<Long> set(String key, byte[] json);

	/**
	 * Delete a key.
	 * @param key the key, already checked
	 * @return whether the key existed, once applied here
	 */
	CompletableFuture<Boolean> delete(String key);

	/**
	 * Compare and set a key.
	 * @param key the key, already checked
	 * @param expected the expected JSON value, or {@code null} for absent
	 * @param update the new JSON value
	 * @return whether it was set, once applied here
	 */
	CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update);

	/**
	 * Increment an integer value.
	 * @param key the key, already checked
	 * @param delta the amount to add
	 * @return the new value, once applied here
	 */
	CompletableFuture<Long> increment(String key, long delta);

	/**
	 * Re-send the master's whole state to every worker.
	 * @return completes when every connected worker has applied it
	 */
	CompletableFuture<Void> broadcast();

	/**
	 * Wait for this node to apply a revision.
	 * @param revision the revision
	 * @return completes with the node's revision once it is at least that
	 */
	CompletableFuture<Long> awaitRevision(long revision);

	/**
	 * Return a future that completes when the replica may be read (at once for a
	 * master; after the first snapshot for a worker), or fails if the master refused
	 * this worker.
	 * @return the future
	 */
	CompletableFuture<Void> ready();

	/**
	 * Return whether this worker is connected to its master (always true for a master).
	 * @return whether connected
	 */
	boolean isConnected();

	/**
	 * Add a listener for applied changes.
	 * @param listener the listener
	 */
	void addListener(ChangeListener listener);

	/**
	 * Remove a listener.
	 * @param listener the listener
	 */
	void removeListener(ChangeListener listener);

	/**
	 * Return this node's counters.
	 * @return the metrics
	 */
	NodeMetrics metrics();

	/**
	 * Return what the master knows of its connected workers (empty for a worker).
	 * @return the workers
	 */
	List<WorkerStatus> workers();

	/**
	 * Stop the node: writes not yet answered fail, connections close, threads end.
	 */
	@Override
	void close();

}
