package io.globalval.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * A write, the one model of it everywhere: what a worker sends the master (one frame
 * type per kind), what the master's sequencer and a remote sequencer such as Redis
 * decide, and what a node keeps while the write is pending. A write is identified by its
 * origin's node id (which the connection or the caller knows) and its {@link #seq()}.
 * <p>
 * Adding a kind means a record here, its frame in {@link FrameCodec}, its rule in the
 * master's sequencer and in the Redis script; the rest of the node handles every kind
 * through this interface.
 */
public sealed interface WriteCommand extends Message {

	/**
	 * Return the write's sequence number at its origin.
	 * @return the sequence number
	 */
	long seq();

	/**
	 * Return the key the write is about.
	 * @return the key, or {@code null} for a write about no one key (a broadcast)
	 */
	String key();

	/**
	 * Return {@link System#nanoTime()} at the origin when the write was made.
	 * @return the time, or 0 when the write does not carry it
	 */
	long originNanos();

	/**
	 * Return the value the origin applies when the master acknowledges the write with a
	 * short {@link Message.Ack} instead of the whole change (the origin has the value).
	 * @return the JSON bytes, or {@code null} when the write removes the key or its value
	 * is only known to the sequencer
	 */
	default byte[] newValue() {
		return null;
	}

	/**
	 * Return how the write reads in messages, such as {@code set('config')}.
	 * @return the description
	 */
	String describe();

	/**
	 * Return what the caller's future completes with, given the write's outcome.
	 * @param outcome the outcome
	 * @return the revision ({@link Long}) of a set, the new value ({@link Long}) of an
	 * increment, whether it did what it asked ({@link Boolean}) for a delete or a
	 * compare-and-set, {@code null} for a broadcast
	 */
	Object result(WriteOutcome outcome);

	/**
	 * Set a key.
	 * @param seq the write's sequence number at its origin
	 * @param key the key
	 * @param value the JSON bytes of the value
	 * @param originNanos {@link System#nanoTime()} at the origin when set was called
	 */
	record SetValue(long seq, String key, byte[] value, long originNanos) implements WriteCommand {

		@Override
		public FrameType type() {
			return FrameType.SET;
		}

		@Override
		public byte[] newValue() {
			return this.value;
		}

		@Override
		public String describe() {
			return "set('" + this.key + "')";
		}

		@Override
		public Object result(WriteOutcome outcome) {
			return outcome.revision();
		}

		@Override
		public boolean equals(Object other) {
			return (other instanceof SetValue that) && this.seq == that.seq && this.key.equals(that.key)
					&& Arrays.equals(this.value, that.value) && this.originNanos == that.originNanos;
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.seq, this.key, Arrays.hashCode(this.value));
		}

		@Override
		public String toString() {
			return "SetValue[seq=" + this.seq + ", key=" + this.key + ", " + this.value.length + " bytes]";
		}

	}

	/**
	 * Delete a key.
	 * @param seq the write's sequence number at its origin
	 * @param key the key
	 * @param originNanos {@link System#nanoTime()} at the origin
	 */
	record DeleteKey(long seq, String key, long originNanos) implements WriteCommand {

		@Override
		public FrameType type() {
			return FrameType.DELETE;
		}

		@Override
		public String describe() {
			return "delete('" + this.key + "')";
		}

		@Override
		public Object result(WriteOutcome outcome) {
			return outcome.success();
		}

	}

	/**
	 * Set a key only if its current value equals an expected one.
	 * @param seq the write's sequence number at its origin
	 * @param key the key
	 * @param expected the expected JSON value, or {@code null} for "absent"
	 * @param update the JSON bytes to set
	 * @param originNanos {@link System#nanoTime()} at the origin
	 */
	record CompareAndSetValue(long seq, String key, byte[] expected, byte[] update, long originNanos)
			implements WriteCommand {

		@Override
		public FrameType type() {
			return FrameType.COMPARE_AND_SET;
		}

		@Override
		public byte[] newValue() {
			return this.update;
		}

		@Override
		public String describe() {
			return "compareAndSet('" + this.key + "')";
		}

		@Override
		public Object result(WriteOutcome outcome) {
			return outcome.success();
		}

		@Override
		public boolean equals(Object other) {
			return (other instanceof CompareAndSetValue that) && this.seq == that.seq && this.key.equals(that.key)
					&& Arrays.equals(this.expected, that.expected) && Arrays.equals(this.update, that.update)
					&& this.originNanos == that.originNanos;
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.seq, this.key, Arrays.hashCode(this.update));
		}

		@Override
		public String toString() {
			return "CompareAndSetValue[seq=" + this.seq + ", key=" + this.key + ", expected "
					+ ((this.expected != null) ? this.expected.length + " bytes" : "absent") + ", update "
					+ this.update.length + " bytes]";
		}

	}

	/**
	 * Add to an integer value (absent counts as 0).
	 * @param seq the write's sequence number at its origin
	 * @param key the key
	 * @param delta the amount to add, may be negative
	 * @param originNanos {@link System#nanoTime()} at the origin
	 */
	record IncrementValue(long seq, String key, long delta, long originNanos) implements WriteCommand {

		@Override
		public FrameType type() {
			return FrameType.INCREMENT;
		}

		@Override
		public String describe() {
			return "increment('" + this.key + "')";
		}

		@Override
		public Object result(WriteOutcome outcome) {
			return outcome.number();
		}

	}

	/**
	 * Make every process load the whole state again: the master re-sends it to every
	 * worker, a remote sequencer makes every follower reload a snapshot.
	 * @param seq the request's sequence number at its origin
	 */
	record BroadcastAll(long seq) implements WriteCommand {

		@Override
		public FrameType type() {
			return FrameType.BROADCAST;
		}

		@Override
		public String key() {
			return null;
		}

		/** The frame carries no time: a broadcast is answered when every process has the state. */
		@Override
		public long originNanos() {
			return 0;
		}

		@Override
		public String describe() {
			return "broadcast()";
		}

		@Override
		public Object result(WriteOutcome outcome) {
			return null;
		}

	}

}
