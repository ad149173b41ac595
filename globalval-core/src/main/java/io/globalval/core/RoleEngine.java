package io.globalval.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.globalval.Role;
import io.globalval.protocol.WriteCommand;

/**
 * What a node does in its current role: a {@link MasterRole} sequences writes, a
 * {@link WorkerRole} sends them to the master. A {@link DefaultGlobalValNode} has one at
 * a time and swaps a worker for a master when it takes over after a failover.
 */
interface RoleEngine {

	Role role();

	/**
	 * Make a write: sequence it (master), send it to the master (worker) or to the remote
	 * sequencer (peer). The role gives it its sequence number ({@link NodeState#number})
	 * where the order of this process's writes is decided.
	 * @param factory builds the write once it has its number
	 * @param nowNanos the runtime's time when it was made, for its deadline
	 * @return its result once applied here (see {@link WriteCommand#result})
	 */
	CompletableFuture<Object> write(WriteFactory factory, long nowNanos);

	/**
	 * Wait, in the caller's thread, until this role has room for one more write of this
	 * process among those waiting for their answer ({@link NodeSettings#maxPendingWrites()}).
	 * A role whose writes are answered at once has room always.
	 * @param timeoutNanos the longest wait
	 * @return whether there is room
	 * @throws InterruptedException if interrupted while waiting
	 */
	default boolean awaitRoomForWrite(long timeoutNanos) throws InterruptedException {
		return true;
	}

	boolean isConnected();

	List<WorkerStatus> workers();

	void close();

}
