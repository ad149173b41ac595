package io.globalval.transport.channel;

import java.io.IOException;

/**
 * A peer was refused before it could speak the protocol: it runs as another user, or it
 * failed (or did not attempt) a transport's handshake. The connection is closed after
 * an optional farewell, a few bytes that tell an honest peer why.
 */
public class PeerRefusedException extends IOException {

	private static final long serialVersionUID = 1L;

	private final transient byte[] farewell;

	/**
	 * Create an exception without a farewell.
	 * @param message what was wrong and what to do
	 */
	public PeerRefusedException(String message) {
		this(message, null);
	}

	/**
	 * Create an exception.
	 * @param message what was wrong and what to do
	 * @param farewell bytes to send before closing the connection, or {@code null}
	 */
	public PeerRefusedException(String message, byte[] farewell) {
		super(message);
		this.farewell = farewell;
	}

	/**
	 * Return what to send before closing the connection.
	 * @return the bytes, or {@code null} to close without a word
	 */
	public byte[] farewell() {
		return this.farewell;
	}

}
