package io.globalval.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.globalval.Role;

/**
 * What a node does in its current role: a {@link MasterRole} sequences writes, a
 * {@link WorkerRole} sends them to the master. A {@link DefaultGlobalValNode} has one at
 * a time and swaps a worker for a master when it takes over after a failover.
 */
interface RoleEngine {

	Role role();

	CompletableFuture<Long> set(String key, byte[] json);

	CompletableFuture<Boolean> delete(String key);

	CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update);

	CompletableFuture<Long> increment(String key, long delta);

	CompletableFuture<Void> broadcast();

	boolean isConnected();

	List<WorkerStatus> workers();

	void close();

}
