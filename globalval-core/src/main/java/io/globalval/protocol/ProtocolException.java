package io.globalval.protocol;

/**
 * Thrown when bytes received from a peer do not form a valid frame or message. The
 * connection they came from is closed; no other peer is affected.
 */
public class ProtocolException extends RuntimeException {

	/**
	 * Create a new instance.
	 * @param message what was wrong with the input
	 */
	public ProtocolException(String message) {
		super(message);
	}

}
