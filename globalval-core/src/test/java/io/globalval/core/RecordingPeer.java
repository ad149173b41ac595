package io.globalval.core;

import java.util.ArrayList;
import java.util.List;

import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;

/**
 * A {@link Peer} that records the frames sent to it, decoded, as a transport would
 * write them: a frame {@link #append appended} is visible only after {@link #flush()}
 * (or a later {@link #send}), so that a test can tell corked frames from written ones.
 */
final class RecordingPeer implements Peer {

	private final String name;

	private final List<Message> written = new ArrayList<>();

	private final List<Message> corked = new ArrayList<>();

	private int flushes;

	private String closedBecause;

	RecordingPeer(String name) {
		this.name = name;
	}

	@Override
	public void send(byte[] frame) {
		this.corked.add(FrameCodec.decode(frame));
		flush();
	}

	@Override
	public void append(byte[] frame) {
		this.corked.add(FrameCodec.decode(frame));
	}

	@Override
	public void flush() {
		if (!this.corked.isEmpty()) {
			this.flushes++;
		}
		this.written.addAll(this.corked);
		this.corked.clear();
	}

	@Override
	public void sendAndClose(byte[] frame, String reason) {
		send(frame);
		close(reason);
	}

	@Override
	public void close(String reason) {
		this.closedBecause = reason;
	}

	@Override
	public String describe() {
		return this.name;
	}

	/**
	 * Return the messages written so far and forget them.
	 * @return the messages, in order
	 */
	List<Message> take() {
		List<Message> result = List.copyOf(this.written);
		this.written.clear();
		return result;
	}

	/** The messages written so far, not forgotten. */
	List<Message> written() {
		return List.copyOf(this.written);
	}

	/** The messages appended and not flushed yet. */
	List<Message> corked() {
		return List.copyOf(this.corked);
	}

	/** How many writes carried frames. */
	int flushes() {
		return this.flushes;
	}

	String closedBecause() {
		return this.closedBecause;
	}

	@Override
	public String toString() {
		return this.name;
	}

}
