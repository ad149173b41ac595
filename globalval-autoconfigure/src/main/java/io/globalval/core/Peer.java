package io.globalval.core;

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
