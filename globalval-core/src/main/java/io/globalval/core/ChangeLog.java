package io.globalval.core;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;

/**
 * The most recent changes as {@code APPLIED} frames, so that a worker that reconnects or
 * saw a gap catches up with deltas instead of a snapshot. Bounded by a count and by
 * bytes; the oldest changes go first. Revisions in it are contiguous. Single-threaded:
 * only the thread that applies changes uses it.
 * <p>
 * The frames are copied end to end into one circular byte array, with the end of each
 * in a circular array of offsets, both grown as needed up to the bounds. The log holds
 * no object per change: a change stays in it for about a second under a stream of writes,
 * long enough for the collector to copy (and promote) every object it would keep, which
 * cost a receiving worker more than decoding and applying the change. The master copies
 * the frame it sends, a worker the frame as it arrived (or encodes the change, when the
 * transport does not hand its frame on).
 */
final class ChangeLog {

	/** Size of the byte array when the first change arrives. */
	static final int INITIAL_BYTES = 64 * 1024;

	/** Number of offsets when the first change arrives. */
	static final int INITIAL_FRAMES = 1024;

	/** The largest array the JVM is sure to allocate. */
	private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

	private final int capacity;

	private final long maxBytes;

	/** The frames, end to end; frame bytes at stream offset {@code o} are at {@code o % bytes.length}. */
	private byte[] bytes = new byte[0];

	/** Per frame, the stream offset of its end; frame {@code i} (oldest first) is at slot {@code (head + i) % ends.length}. */
	private long[] ends = new long[0];

	/** Stream offset of the oldest frame's first byte. */
	private long start;

	/** Stream offset after the newest frame's last byte. */
	private long end;

	/** Revision of the oldest frame held; meaningful only when size > 0. */
	private long firstRevision;

	private int head;

	private int size;

	/**
	 * Create an empty log; it allocates nothing until the first change.
	 * @param capacity the most changes it holds
	 * @param maxBytes the most frame bytes it holds (the newest change is held whatever its
	 * size); at most about 2 GiB, the largest array
	 */
	ChangeLog(int capacity, long maxBytes) {
		this.capacity = Math.max(1, capacity);
		this.maxBytes = Math.min(maxBytes, MAX_ARRAY);
	}

	/**
	 * Add the frame of the change with the next revision.
	 * @param revision its revision, one more than the last added (or anything, if empty)
	 * @param frame the encoded frame
	 */
	void append(long revision, byte[] frame) {
		add(revision, frame.length, frame, null);
	}

	/**
	 * Add the frame of the change with the next revision, as it arrived.
	 * @param revision its revision, one more than the last added (or anything, if empty)
	 * @param frame the encoded frame, length field included, from its position to its
	 * limit (neither is moved)
	 */
	void append(long revision, ByteBuffer frame) {
		add(revision, frame.remaining(), null, frame);
	}

	/**
	 * Add the change with the next revision as its message: it is encoded and copied in.
	 * @param applied the change, its revision one more than the last added (or anything,
	 * if empty)
	 */
	void append(Message.Applied applied) {
		byte[] frame = FrameCodec.encode(applied);
		add(applied.revision(), frame.length, frame, null);
	}

	/** Add a frame given as an array or as a buffer (the other one {@code null}). */
	private void add(long revision, int frameBytes, byte[] frame, ByteBuffer buffer) {
		if (this.size > 0 && revision != this.firstRevision + this.size) {
			clear();
		}
		if (this.size == 0) {
			this.firstRevision = revision;
		}
		if (this.size == this.capacity) {
			dropOldest();
		}
		while (this.size > 0 && (this.end - this.start) + frameBytes > this.maxBytes) {
			dropOldest();
		}
		ensureRoom(frameBytes);
		if (frame != null) {
			copyIn(frame);
		}
		else {
			copyIn(buffer);
		}
		this.ends[(this.head + this.size) % this.ends.length] = this.end;
		this.size++;
	}

	/** Grow the arrays so that one more frame of this many bytes fits beside those held. */
	private void ensureRoom(int frameBytes) {
		long needed = (this.end - this.start) + frameBytes;
		if (needed > this.bytes.length) {
			long grown = Math.max(needed, Math.max(INITIAL_BYTES, 2L * this.bytes.length));
			grown = Math.min(grown, Math.max(this.maxBytes, needed));
			byte[] bigger = new byte[(int) Math.min(grown, MAX_ARRAY)];
			copyOut(this.start, bigger, (int) (this.start % bigger.length), (int) (this.end - this.start),
					bigger.length);
			this.bytes = bigger;
		}
		if (this.size == this.ends.length) {
			long[] bigger = new long[(int) Math.min(this.capacity, Math.max(INITIAL_FRAMES, 2L * this.ends.length))];
			for (int i = 0; i < this.size; i++) {
				bigger[i] = this.ends[(this.head + i) % this.ends.length];
			}
			this.ends = bigger;
			this.head = 0;
		}
	}

	private void copyIn(byte[] frame) {
		int at = (int) (this.end % this.bytes.length);
		int first = Math.min(frame.length, this.bytes.length - at);
		System.arraycopy(frame, 0, this.bytes, at, first);
		System.arraycopy(frame, first, this.bytes, 0, frame.length - first);
		this.end += frame.length;
	}

	private void copyIn(ByteBuffer frame) {
		int length = frame.remaining();
		int at = (int) (this.end % this.bytes.length);
		int first = Math.min(length, this.bytes.length - at);
		frame.get(frame.position(), this.bytes, at, first);
		frame.get(frame.position() + first, this.bytes, 0, length - first);
		this.end += length;
	}

	/**
	 * Copy held bytes, from a stream offset on, into an array that may itself be circular
	 * (its length given as {@code wrap}).
	 */
	private void copyOut(long from, byte[] into, int at, int length, int wrap) {
		int copied = 0;
		while (copied < length) {
			int source = (int) ((from + copied) % this.bytes.length);
			int target = (at + copied) % wrap;
			int chunk = Math.min(length - copied, Math.min(this.bytes.length - source, wrap - target));
			System.arraycopy(this.bytes, source, into, target, chunk);
			copied += chunk;
		}
	}

	/**
	 * Return the frames of every change after a revision, if all of them are still held.
	 * @param revision the last revision the reader has
	 * @param latest the latest revision there is
	 * @return the frames in order, or {@code null} if some were dropped already
	 */
	List<byte[]> after(long revision, long latest) {
		if (revision == latest) {
			return List.of();
		}
		if (this.size == 0 || revision + 1 < this.firstRevision || revision > latest) {
			return null;
		}
		return range((int) (revision + 1 - this.firstRevision), this.size);
	}

	/**
	 * Return every frame held, oldest first.
	 * @return the frames
	 */
	List<byte[]> all() {
		return range(0, this.size);
	}

	private List<byte[]> range(int from, int to) {
		List<byte[]> result = new ArrayList<>(to - from);
		for (int i = from; i < to; i++) {
			long frameStart = (i == 0) ? this.start : this.ends[(this.head + i - 1) % this.ends.length];
			long frameEnd = this.ends[(this.head + i) % this.ends.length];
			byte[] frame = new byte[(int) (frameEnd - frameStart)];
			copyOut(frameStart, frame, 0, frame.length, Math.max(1, frame.length));
			result.add(frame);
		}
		return result;
	}

	/** Forget every change held; the arrays stay, for the changes that follow. */
	void clear() {
		this.head = 0;
		this.size = 0;
		this.start = this.end;
	}

	int size() {
		return this.size;
	}

	/** Bytes of the frames held. */
	long bytes() {
		return this.end - this.start;
	}

	private void dropOldest() {
		this.start = this.ends[this.head];
		this.head = (this.head + 1) % this.ends.length;
		this.size--;
		this.firstRevision++;
	}

}
