package io.globalval;

/**
 * Base class of the exceptions globalval throws or completes futures with.
 */
public class GlobalValException extends RuntimeException {

	/**
	 * Create a new instance.
	 * @param message what went wrong and what to do about it
	 */
	public GlobalValException(String message) {
		super(message);
	}

	/**
	 * Create a new instance.
	 * @param message what went wrong and what to do about it
	 * @param cause the underlying failure
	 */
	public GlobalValException(String message, Throwable cause) {
		super(message, cause);
	}

}
