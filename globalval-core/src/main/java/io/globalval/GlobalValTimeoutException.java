package io.globalval;

/**
 * A write got no answer from the master within {@code globalval.write-timeout}. If it
 * had been sent, it may still be applied later; its outcome is unknown.
 */
public class GlobalValTimeoutException extends GlobalValException {

	/**
	 * Create a new instance.
	 * @param message which write timed out and after how long
	 */
	public GlobalValTimeoutException(String message) {
		super(message);
	}

}
