package io.globalval.core;

import java.util.List;

/**
 * The other end of one connection, as the core sees it: something to send frames to.
 * Implemented by transports.
 */
public interface Peer {

	/**
	 * Queue a complete frame to be written. Never blocks; frames are written in order.
	 * @param frame the frame bytes, not modified afterwards by the caller
	 */
	void send(byte[] frame);

	/**
	 * Queue a complete frame without writing it yet, so that several frames can leave in
	 * one write at the next {@link #flush()} or {@link #send}. In order with every other
	 * frame of this peer. By default, the same as {@link #send}.
	 * @param frame the frame bytes, not modified afterwards by the caller
	 */
	default void append(byte[] frame) {
		send(frame);
	}

	/**
	 * Write what {@link #append} queued. Never blocks on the peer. By default, nothing.
	 */
	default void flush() {
	}

	/**
	 * Queue frames and write them with what {@link #append} queued before, as
	 * {@link #append} of each and then {@link #flush()} would, but at the cost of one:
	 * the master sends each worker a batch of changes at once.
	 * @param frames the frames, in order, not modified afterwards by the caller
	 */
	default void sendAll(List<byte[]> frames) {
		for (int i = 0; i < frames.size(); i++) {
			append(frames.get(i));
		}
		flush();
	}

	/**
	 * Queue a last frame and close the connection once it has been written, for a
	 * refusal that the peer must be able to read.
	 * @param frame the last frame
	 * @param reason why, for the log
	 */
	void sendAndClose(byte[] frame, String reason);

	/**
	 * Close the connection.
	 * @param reason why, for the log
	 */
	void close(String reason);

	/**
	 * Return a readable description of the peer, for logs.
	 * @return the description
	 */
	String describe();

}
