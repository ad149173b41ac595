package io.globalval;

/**
 * The master refused a write: it broke a limit, or the current value does not allow it
 * (for example an increment of a value that is not an integer). Nothing was changed.
 */
public class GlobalValRejectedException extends GlobalValException {

	/**
	 * Create a new instance.
	 * @param message why the master refused the write
	 */
	public GlobalValRejectedException(String message) {
		super(message);
	}

}
