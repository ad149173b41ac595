package io.globalval.history;

/**
 * How an operation ended, as seen by the client.
 */
public enum Outcome {

	/**
	 * The operation completed and its result is known.
	 */
	OK,

	/**
	 * The system said, definitely, that the operation was not applied.
	 */
	FAIL,

	/**
	 * Timeout or crash: the operation may or may not have been applied.
	 */
	UNKNOWN

}
