package io.globalval.history;

/**
 * Formatting helpers for anomaly messages.
 */
final class Text {

	private static final int MAX_VALUE_CHARS = 60;

	private Text() {
	}

	/**
	 * Format a value for a message: "absent" for null, long values shortened.
	 * @param value the JSON text or null
	 * @return the formatted value
	 */
	static String value(String value) {
		if (value == null) {
			return "absent";
		}
		return (value.length() <= MAX_VALUE_CHARS) ? value : value.substring(0, MAX_VALUE_CHARS) + "...";
	}

}
