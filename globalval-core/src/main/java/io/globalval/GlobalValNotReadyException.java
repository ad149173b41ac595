package io.globalval;

/**
 * Thrown by reads in a worker that has not yet applied its first snapshot from the
 * master: its map would be incomplete, so it does not answer rather than answer
 * {@code null} for a key that exists.
 */
public class GlobalValNotReadyException extends GlobalValException {

	/**
	 * Create a new instance.
	 * @param message what is not ready and what to wait for
	 */
	public GlobalValNotReadyException(String message) {
		super(message);
	}

}
