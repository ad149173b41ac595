package io.globalval;

/**
 * The connection to the master was lost or refused. For a write that had been sent, the
 * outcome is unknown: it may have been applied.
 */
public class GlobalValConnectionException extends GlobalValException {

	/**
	 * Create a new instance.
	 * @param message what happened to the connection
	 */
	public GlobalValConnectionException(String message) {
		super(message);
	}

	/**
	 * Create a new instance.
	 * @param message what happened to the connection
	 * @param cause the underlying failure
	 */
	public GlobalValConnectionException(String message, Throwable cause) {
		super(message, cause);
	}

}
