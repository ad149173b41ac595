package io.globalval.core;

import java.util.concurrent.CompletableFuture;

import io.globalval.protocol.WriteCommand;
import io.globalval.protocol.WriteOutcome;

/**
 * A write of this node that its sequencer (the master, or a remote one) has not answered
 * yet, with the future its caller waits on. It keeps the command, because the master
 * answers the origin of a set with a short ack instead of the value.
 */
final class PendingWrite {

	final WriteCommand command;

	final long seq;

	final long deadlineNanos;

	final CompletableFuture<Object> future = new CompletableFuture<>();

	/** Whether the frame went out on the current connection; guarded by the worker's send lock. */
	boolean sent;

	/** Whether it was ever sent, on this connection or an earlier one; guarded as {@link #sent}. */
	boolean everSent;

	/** A remote sequencer's outcome, once known; the future then waits for the replica to reach it. */
	volatile WriteOutcome outcome;

	/**
	 * The revision of a worker's acked write whose ack arrived during a revision gap, so
	 * that the snapshot that closes the gap completes it; 0 otherwise. Reader thread only.
	 */
	long ackedRevision;

	/**
	 * Create a pending write. It keeps the command, not its frame: a worker encodes the
	 * frame each time it sends it (once, unless a reconnect makes it send again), so that a
	 * write waiting for its answer does not hold its value twice.
	 * @param command the write
	 * @param deadlineNanos when the caller stops waiting, in {@link System#nanoTime()} terms
	 */
	PendingWrite(WriteCommand command, long deadlineNanos) {
		this.command = command;
		this.seq = command.seq();
		this.deadlineNanos = deadlineNanos;
	}

	String describe() {
		return this.command.describe();
	}

	/** Complete with the result of an applied change of the given revision and value. */
	void applied(long revision, byte[] appliedValue) {
		// the full change, not an outcome, reaches the origin of an increment: its value is the new number
		long number = (this.command instanceof WriteCommand.IncrementValue) ? ValueCodec.jsonToLong(appliedValue) : 0;
		this.future.complete(this.command.result(new WriteOutcome(revision, true, number)));
	}

	/** Complete with an outcome: a write that changed nothing, a repeated write, or a broadcast. */
	void completeWith(WriteOutcome outcome) {
		this.future.complete(this.command.result(outcome));
	}

}
