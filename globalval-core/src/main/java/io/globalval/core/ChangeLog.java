package io.globalval.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;

/**
 * The most recent changes as {@code APPLIED} frames, so that a worker that reconnects or
 * saw a gap catches up with deltas instead of a snapshot. Bounded by a count and by
 * bytes; the oldest changes go first. Revisions in it are contiguous. A change may be
 * added as its decoded message (what a worker receives); it is encoded each time it is
 * read, which is rare (a catch-up, a fetch), so that applying a change costs no
 * encoding. Single-threaded: only the thread that applies changes uses it.
 */
final class ChangeLog {

	/** Per change, its encoded frame ({@code byte[]}) or its message ({@link Message.Applied}). */
	private final Object[] frames;

	private final long maxBytes;

	/** Revision of the oldest frame held; meaningful only when size > 0. */
	private long firstRevision;

	private int head;

	private int size;

	private long bytes;

	ChangeLog(int capacity, long maxBytes) {
		this.frames = new Object[Math.max(1, capacity)];
		this.maxBytes = maxBytes;
	}

	/**
	 * Add the frame of the change with the next revision.
	 * @param revision its revision, one more than the last added (or anything, if empty)
	 * @param frame the encoded frame
	 */
	void append(long revision, byte[] frame) {
		add(revision, frame, frame.length);
	}

	/**
	 * Add the change with the next revision as its message, encoded only if it is read.
	 * @param applied the change, its revision one more than the last added (or anything,
	 * if empty)
	 */
	void append(Message.Applied applied) {
		add(applied.revision(), applied, estimatedBytes(applied));
	}

	private void add(long revision, Object frame, int frameBytes) {
		if (this.size > 0 && revision != this.firstRevision + this.size) {
			clear();
		}
		if (this.size == 0) {
			this.firstRevision = revision;
		}
		if (this.size == this.frames.length) {
			dropOldest();
		}
		this.frames[(this.head + this.size) % this.frames.length] = frame;
		this.size++;
		this.bytes += frameBytes;
		while (this.bytes > this.maxBytes && this.size > 1) {
			dropOldest();
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
			result.add(frameAt((this.head + i) % this.frames.length));
		}
		return result;
	}

	/**
	 * The frame in a slot, encoded now if it was added as a message (not kept: reading
	 * changes nothing, and reads are rare).
	 */
	private byte[] frameAt(int slot) {
		Object entry = this.frames[slot];
		return (entry instanceof Message.Applied applied) ? FrameCodec.encode(applied) : (byte[]) entry;
	}

	/** What a message counts against the byte bound: at least its frame's size. */
	private static int estimatedBytes(Message.Applied applied) {
		int value = (applied.value() != null) ? applied.value().length : 0;
		// revision, epoch, origin, seq (varints of at most 10 bytes), nanos (8), two lengths (5 each)
		return Frame.HEADER_BYTES + 58 + 3 * applied.key().length() + value;
	}

	private static int bytesOf(Object entry) {
		return (entry instanceof byte[] frame) ? frame.length : estimatedBytes((Message.Applied) entry);
	}

	void clear() {
		Arrays.fill(this.frames, null);
		this.head = 0;
		this.size = 0;
		this.bytes = 0;
	}

	int size() {
		return this.size;
	}

	private void dropOldest() {
		this.bytes -= bytesOf(this.frames[this.head]);
		this.frames[this.head] = null;
		this.head = (this.head + 1) % this.frames.length;
		this.size--;
		this.firstRevision++;
	}

}
