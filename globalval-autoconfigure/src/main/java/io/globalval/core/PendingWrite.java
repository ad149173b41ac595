package io.globalval.core;

import java.util.concurrent.CompletableFuture;

import io.globalval.protocol.FrameType;

/**
 * A worker's write that the master has not answered yet. It keeps the value, because
 * the master answers the origin of a set with a short ack instead of the value.
 */
final class PendingWrite {

	final long seq;

	final FrameType kind;

	final String key;

	/** The value the write sets when acked, {@code null} for a delete. */
	final byte[] value;

	final byte[] frame;

	final long originNanos;

	final long deadlineNanos;

	final CompletableFuture<Object> future = new CompletableFuture<>();

	/** Guarded by the worker's send lock. */
	boolean sent;

	PendingWrite(long seq, FrameType kind, String key, byte[] value, byte[] frame, long originNanos,
			long deadlineNanos) {
		this.seq = seq;
		this.kind = kind;
		this.key = key;
		this.value = value;
		this.frame = frame;
		this.originNanos = originNanos;
		this.deadlineNanos = deadlineNanos;
	}

	String describe() {
		return switch (this.kind) {
			case SET -> "set('" + this.key + "')";
			case DELETE -> "delete('" + this.key + "')";
			case COMPARE_AND_SET -> "compareAndSet('" + this.key + "')";
			case INCREMENT -> "increment('" + this.key + "')";
			case BROADCAST -> "broadcast()";
			default -> this.kind.toString();
		};
	}

	/** Complete with the result of an applied change of the given revision. */
	void applied(long revision, byte[] appliedValue) {
		Object result = switch (this.kind) {
			case SET -> revision;
			case INCREMENT -> ValueCodec.jsonToLong(appliedValue);
			case BROADCAST -> null;
			default -> Boolean.TRUE;
		};
		this.future.complete(result);
	}

	/** Complete with the outcome of a request that changed nothing, or of a broadcast. */
	void replied(boolean success) {
		this.future.complete((this.kind == FrameType.BROADCAST) ? null : success);
	}

}
