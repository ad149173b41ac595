package io.globalval.protocol;

/**
 * Why a request or a connection was refused, with stable codes for the wire.
 */
public enum ErrorCode {

	/** The request was malformed or broke a limit (key, value or frame size). */
	BAD_REQUEST(1),
	/** The current value does not allow the operation (e.g. increment of a non-integer). */
	CONFLICT(2),
	/** The peer speaks another protocol version. */
	PROTOCOL_MISMATCH(3),
	/** The peer belongs to another application. */
	APPLICATION_MISMATCH(4),
	/** The master is shutting down. */
	UNAVAILABLE(5),
	/** Anything else. */
	INTERNAL(6),
	/** The peer may not connect: it runs as another user, or failed the transport's handshake. */
	UNAUTHORIZED(7),
	/**
	 * The write was processed before (it is sent again), but its outcome is no longer
	 * known: it may have been applied, and is not applied again.
	 */
	OUTCOME_UNKNOWN(8);

	private final int code;

	ErrorCode(int code) {
		this.code = code;
	}

	/**
	 * Return the code written on the wire.
	 * @return the code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the error code read from the wire; unknown codes map to {@link #INTERNAL}
	 * so that a newer peer's error still reaches the caller.
	 * @param code the code
	 * @return the error code
	 */
	public static ErrorCode ofCode(int code) {
		for (ErrorCode candidate : values()) {
			if (candidate.code == code) {
				return candidate;
			}
		}
		return INTERNAL;
	}

}
