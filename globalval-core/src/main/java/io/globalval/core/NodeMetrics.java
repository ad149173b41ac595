package io.globalval.core;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;

/**
 * Counters of one node, kept by the core and its transport whatever the metrics library.
 * All counters are cumulative since the node started; the queue depths are gauges, read
 * when asked.
 */
public final class NodeMetrics {

	final LongAdder writesSent = new LongAdder();

	final LongAdder changesApplied = new LongAdder();

	final LongAdder bytesSent = new LongAdder();

	final LongAdder bytesReceived = new LongAdder();

	final LongAdder framesRejected = new LongAdder();

	final LongAdder resyncs = new LongAdder();

	final LongAdder snapshotsApplied = new LongAdder();

	final LongAdder changesDiscarded = new LongAdder();

	final LongAdder writesWaited = new LongAdder();

	private volatile IntSupplier pendingWrites = () -> 0;

	private volatile IntSupplier commandQueue = () -> 0;

	private volatile IntSupplier eventQueue = () -> 0;

	private volatile LongConsumer propagationNanos = (nanos) -> {
	};

	/** @return writes this node submitted */
	public long writesSent() {
		return this.writesSent.sum();
	}

	/** @return changes applied to this node's replica, snapshots excluded */
	public long changesApplied() {
		return this.changesApplied.sum();
	}

	/** @return bytes written to this node's connections */
	public long bytesSent() {
		return this.bytesSent.sum();
	}

	/** @return bytes read from this node's connections */
	public long bytesReceived() {
		return this.bytesReceived.sum();
	}

	/** @return frames or connections refused as invalid */
	public long framesRejected() {
		return this.framesRejected.sum();
	}

	/** @return resyncs (gaps, reconnects with a snapshot) */
	public long resyncs() {
		return this.resyncs.sum();
	}

	/** @return snapshots applied */
	public long snapshotsApplied() {
		return this.snapshotsApplied.sum();
	}

	/** @return commands waiting for this node's sequencer (0 unless it is master) */
	public int commandsQueued() {
		return this.commandQueue.getAsInt();
	}

	/** @return writes of this node waiting for their answer (a worker's or a Redis peer's; 0 on a master) */
	public int writesPending() {
		return this.pendingWrites.getAsInt();
	}

	/**
	 * @return writes that found as many writes of this node waiting for their answer as
	 * {@link NodeSettings#maxPendingWrites()} allows, and waited for room (back-pressure)
	 */
	public long writesWaited() {
		return this.writesWaited.sum();
	}

	/**
	 * Read the number of writes waiting for their answer from now on.
	 * @param count the count
	 */
	void trackPendingWrites(IntSupplier count) {
		this.pendingWrites = count;
	}

	/** @return change events waiting to be delivered to this node's listeners */
	public int eventsQueued() {
		return this.eventQueue.getAsInt();
	}

	/**
	 * Read the depth of the sequencer's command queue from now on.
	 * @param depth the depth, or {@code null} when there is no sequencer any more
	 */
	void trackCommandQueue(IntSupplier depth) {
		this.commandQueue = (depth != null) ? depth : () -> 0;
	}

	/**
	 * Read the depth of the listeners' event queue from now on.
	 * @param depth the depth
	 */
	void trackEventQueue(IntSupplier depth) {
		this.eventQueue = depth;
	}

	/**
	 * @return changes this node had applied and discarded because the group's history does
	 * not keep them (see {@link DiscardedChanges})
	 */
	public long changesDiscarded() {
		return this.changesDiscarded.sum();
	}

	/**
	 * Add bytes sent, for transports.
	 * @param bytes the count
	 */
	public void addBytesSent(long bytes) {
		this.bytesSent.add(bytes);
	}

	/**
	 * Add bytes received, for transports.
	 * @param bytes the count
	 */
	public void addBytesReceived(long bytes) {
		this.bytesReceived.add(bytes);
	}

	/**
	 * Count a rejected frame or peer, for transports.
	 */
	public void frameRejected() {
		this.framesRejected.increment();
	}

	/**
	 * Set what receives the time from a write's origin to its application here, for a
	 * metrics library's timer.
	 * @param recorder receives nanoseconds
	 */
	public void onPropagation(LongConsumer recorder) {
		this.propagationNanos = recorder;
	}

	void propagated(long nanos) {
		this.propagationNanos.accept(nanos);
	}

}
