package io.globalval.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The most recent changes as encoded {@code APPLIED} frames, so that a worker that
 * reconnects or saw a gap catches up with deltas instead of a snapshot. Bounded by a
 * count and by bytes; the oldest changes go first. Revisions in it are contiguous.
 * Single-threaded: only the sequencer uses it.
 */
final class ChangeLog {

	private final byte[][] frames;

	private final long maxBytes;

	/** Revision of the oldest frame held; meaningful only when size > 0. */
	private long firstRevision;

	private int head;

	private int size;

	private long bytes;

	ChangeLog(int capacity, long maxBytes) {
		this.frames = new byte[Math.max(1, capacity)][];
		this.maxBytes = maxBytes;
	}

	/**
	 * Add the frame of the change with the next revision.
	 * @param revision its revision, one more than the last added (or anything, if empty)
	 * @param frame the encoded frame
	 */
	void append(long revision, byte[] frame) {
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
		this.bytes += frame.length;
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
		return all().subList((int) (revision + 1 - this.firstRevision), this.size);
	}

	/**
	 * Return every frame held, oldest first.
	 * @return the frames
	 */
	List<byte[]> all() {
		List<byte[]> result = new ArrayList<>(this.size);
		for (int i = 0; i < this.size; i++) {
			result.add(this.frames[(this.head + i) % this.frames.length]);
		}
		return result;
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
		this.bytes -= this.frames[this.head].length;
		this.frames[this.head] = null;
		this.head = (this.head + 1) % this.frames.length;
		this.size--;
		this.firstRevision++;
	}

}
