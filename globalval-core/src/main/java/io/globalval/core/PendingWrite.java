package io.globalval.core;

import java.util.concurrent.CompletableFuture;

import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.FrameType;
import io.globalval.protocol.Message;

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

	final Message request;

	final byte[] frame;

	final long originNanos;

	final long deadlineNanos;

	final CompletableFuture<Object> future = new CompletableFuture<>();

	/** Guarded by the worker's send lock. */
	boolean sent;

	PendingWrite(FrameType kind, String key, byte[] value, Message request, long originNanos, long deadlineNanos) {
		this.seq = Sequencer.seqOf(request);
		this.kind = kind;
		this.key = key;
		this.value = value;
		this.request = request;
		this.frame = FrameCodec.encode(request);
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

	/** Complete with the master's reply: a write that changed nothing, a repeated write, or a broadcast. */
	void replied(Message.Reply reply) {
		Object result = switch (this.kind) {
			case SET -> reply.revision();
			case INCREMENT -> reply.number();
			case BROADCAST -> null;
			default -> reply.success();
		};
		this.future.complete(result);
	}

}
