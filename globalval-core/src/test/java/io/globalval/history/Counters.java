package io.globalval.history;

/**
 * Reads counter values, which are JSON integers.
 */
final class Counters {

	private Counters() {
	}

	/**
	 * Parse a counter value; absent counts as 0.
	 * @param value the JSON text, or null
	 * @return the number, or null if the value is not a JSON integer
	 */
	static Long parse(String value) {
		if (value == null) {
			return 0L;
		}
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
