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

	/** The frame that carries the command to the master; {@code null} for a peer's write. */
	final byte[] frame;

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
	 * Create a pending write.
	 * @param command the write
	 * @param frame its encoded frame, or {@code null} if it is not sent as a frame
	 * @param deadlineNanos when the caller stops waiting, in {@link System#nanoTime()} terms
	 */
	PendingWrite(WriteCommand command, byte[] frame, long deadlineNanos) {
		this.command = command;
		this.seq = command.seq();
		this.frame = frame;
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
