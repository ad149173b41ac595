package io.globalval.core;

/**
 * Checks that bytes hold exactly one strict (RFC 8259) JSON value that is not
 * {@code null}, within limits, in one pass over the bytes: no parser, no recursion, and
 * no allocation unless the value nests more than 64 levels deep or is refused.
 * <p>
 * It accepts everything Jackson writes and refuses everything Jackson's default parser
 * refuses. It is stricter than that parser only for bytes Jackson never writes: the bytes
 * must be UTF-8 (no byte order mark, no UTF-16 or UTF-32, which Jackson detects and
 * reads), and well-formed UTF-8 (no overlong forms, no encoded surrogates, nothing above
 * U+10FFFF, all of which Jackson lets through in strings).
 * <p>
 * The limits count as Jackson's {@link tools.jackson.core.StreamReadConstraints} do:
 * nesting is the number of arrays and objects open at once; a number's length is its
 * digits (integer, fraction and exponent, not signs, point or exponent marker); a
 * string's length is its UTF-16 characters once unescaped, and a property name's length
 * its UTF-8 bytes once unescaped. Thread-safe.
 */
final class JsonSyntax {

	private static final byte[] TRUE = { 't', 'r', 'u', 'e' };

	private static final byte[] FALSE = { 'f', 'a', 'l', 's', 'e' };

	private static final byte[] NULL = { 'n', 'u', 'l', 'l' };

	private final int maxNestingDepth;

	private final int maxNumberLength;

	private final int maxStringLength;

	private final int maxNameLength;

	/**
	 * Create a checker.
	 * @param maxNestingDepth the most arrays and objects that may be open at once
	 * @param maxNumberLength the most digits a number may have
	 * @param maxStringLength the most UTF-16 characters a string value may have
	 * @param maxNameLength the most UTF-8 bytes a property name may have
	 */
	JsonSyntax(int maxNestingDepth, int maxNumberLength, int maxStringLength, int maxNameLength) {
		this.maxNestingDepth = maxNestingDepth;
		this.maxNumberLength = maxNumberLength;
		this.maxStringLength = maxStringLength;
		this.maxNameLength = maxNameLength;
	}

	/**
	 * Check that bytes hold exactly one JSON value that is not {@code null}, within the
	 * limits.
	 * @param json the bytes
	 * @return {@code null} when they do, else what is wrong with them: {@code "empty"},
	 * {@code "JSON null ..."}, {@code "more than one JSON value"},
	 * {@code "over a JSON parsing limit: ..."} or {@code "not valid JSON: ..."}
	 */
	String problemWith(byte[] json) {
		try {
			return check(json);
		}
		catch (Problem ex) {
			return ex.overLimit
					? "over a JSON parsing limit: " + ex.getMessage()
							+ "; nest it less deeply or shorten its numbers and strings"
					: "not valid JSON: " + ex.getMessage();
		}
	}

	private String check(byte[] json) {
		int end = json.length;
		int i = skipWhitespace(json, 0);
		if (i == end) {
			return "empty";
		}
		int depth = 0;
		// bit d - 1 is set when the container at depth d (1 to 64) is an object
		long objects = 0;
		// the same for depths over 64, made only for values nested that deep
		long[] deeperObjects = null;
		value: for (;;) {
			if (i == end) {
				throw unexpectedEnd(i, "a value");
			}
			byte c = json[i];
			if (c == '"') {
				i = string(json, i + 1, false);
			}
			else if (c == '-' || (c >= '0' && c <= '9')) {
				i = number(json, i);
			}
			else if (c == '{' || c == '[') {
				depth++;
				if (depth > this.maxNestingDepth) {
					throw overLimit("Document nesting depth", depth, this.maxNestingDepth, "getMaxNestingDepth");
				}
				boolean object = c == '{';
				if (depth <= 64) {
					long bit = 1L << (depth - 1);
					objects = object ? (objects | bit) : (objects & ~bit);
				}
				else {
					if (deeperObjects == null) {
						// no deeper than the limit, nor than there are bytes
						deeperObjects = new long[(Math.min(this.maxNestingDepth, end) - 64 + 63) >>> 6];
					}
					int index = depth - 65;
					long bit = 1L << (index & 63);
					deeperObjects[index >>> 6] = object ? (deeperObjects[index >>> 6] | bit)
							: (deeperObjects[index >>> 6] & ~bit);
				}
				i = skipWhitespace(json, i + 1);
				if (i < end && json[i] == (object ? '}' : ']')) {
					depth--;
					i++;
				}
				else {
					if (object) {
						i = name(json, i);
					}
					continue;
				}
			}
			else if (c == 't') {
				i = literal(json, i, TRUE);
			}
			else if (c == 'f') {
				i = literal(json, i, FALSE);
			}
			else if (c == 'n') {
				i = literal(json, i, NULL);
				if (depth == 0) {
					return "JSON null (use delete to remove a key)";
				}
			}
			else {
				throw unexpected(json, i, "a value (string, number, array, object, true, false or null)");
			}
			// after a value: close containers until the next value or the end
			for (;;) {
				i = skipWhitespace(json, i);
				if (depth == 0) {
					if (i == end) {
						return null;
					}
					if (startsValue(json[i])) {
						return "more than one JSON value";
					}
					throw unexpected(json, i, "the end after the value");
				}
				boolean object = (depth <= 64) ? (objects & (1L << (depth - 1))) != 0
						: (deeperObjects[(depth - 65) >>> 6] & (1L << ((depth - 65) & 63))) != 0;
				if (i == end) {
					throw unexpectedEnd(i, object ? "',' or '}'" : "',' or ']'");
				}
				c = json[i];
				if (c == ',') {
					i = skipWhitespace(json, i + 1);
					if (object) {
						i = name(json, i);
					}
					continue value;
				}
				if (c != (object ? '}' : ']')) {
					throw unexpected(json, i, object ? "',' or '}'" : "',' or ']'");
				}
				depth--;
				i++;
			}
		}
	}

	/**
	 * Read a property name, its colon and the whitespace up to its value.
	 * @param json the bytes
	 * @param start where the name's opening quote should be
	 * @return where the value starts
	 */
	private int name(byte[] json, int start) {
		if (start == json.length) {
			throw unexpectedEnd(start, "'\"' to start a property name");
		}
		if (json[start] != '"') {
			throw unexpected(json, start, "'\"' to start a property name");
		}
		int i = skipWhitespace(json, string(json, start + 1, true));
		if (i == json.length) {
			throw unexpectedEnd(i, "':' after a property name");
		}
		if (json[i] != ':') {
			throw unexpected(json, i, "':' after a property name");
		}
		return skipWhitespace(json, i + 1);
	}

	/**
	 * Read a string or property name.
	 * @param json the bytes
	 * @param start just after the opening quote
	 * @param name whether it is a property name
	 * @return just after the closing quote
	 */
	private int string(byte[] json, int start, boolean name) {
		int end = json.length;
		// bytes that do not count towards the length: escapes and multi-byte characters
		int uncounted = 0;
		int i = start;
		for (;;) {
			if (i == end) {
				throw unexpectedEnd(i, "'\"' to close a string");
			}
			byte c = json[i];
			if (c >= 0x20 && c != '"' && c != '\\') {
				i++;
			}
			else if (c == '"') {
				break;
			}
			else if (c == '\\') {
				if (i + 1 == end) {
					throw unexpectedEnd(i + 1, "an escaped character");
				}
				byte escaped = json[i + 1];
				if (escaped == 'u') {
					int code = hexEscape(json, i + 2);
					if (!name) {
						uncounted += 5;
					}
					else if (code < 0xD800 || code > 0xDFFF) {
						uncounted += 6 - ((code < 0x80) ? 1 : (code < 0x800) ? 2 : 3);
					}
					else {
						// as Jackson, which decodes names, only a pair of escaped surrogates
						if (code > 0xDBFF) {
							throw new Problem(false, "Escaped low surrogate without a high one before it, in the "
									+ "property name at byte " + (start - 1));
						}
						if (i + 7 >= end || json[i + 6] != '\\' || json[i + 7] != 'u') {
							throw new Problem(false, "Escaped high surrogate without an escaped low one after it, "
									+ "in the property name at byte " + (start - 1));
						}
						int low = hexEscape(json, i + 8);
						if (low < 0xDC00 || low > 0xDFFF) {
							throw new Problem(false, "Escaped high surrogate without an escaped low one after it, "
									+ "in the property name at byte " + (start - 1));
						}
						// twelve bytes, four in UTF-8
						uncounted += 8;
						i += 6;
					}
					i += 6;
				}
				else if (escaped == '"' || escaped == '\\' || escaped == '/' || escaped == 'b' || escaped == 'f'
						|| escaped == 'n' || escaped == 'r' || escaped == 't') {
					uncounted++;
					i += 2;
				}
				else {
					throw unexpected(json, i + 1, "an escaped character (one of \"\\/bfnrtu)");
				}
			}
			else if (c >= 0) {
				throw new Problem(false, "Unescaped control character (code " + c + ") in a string at byte " + i);
			}
			else {
				int lead = c & 0xFF;
				if (lead >= 0xC2 && lead <= 0xDF) {
					continuation(json, i + 1, 0x80, 0xBF);
					uncounted += name ? 0 : 1;
					i += 2;
				}
				else if (lead >= 0xE0 && lead <= 0xEF) {
					// no overlong forms (E0 80-9F), no surrogates (ED A0-BF)
					continuation(json, i + 1, (lead == 0xE0) ? 0xA0 : 0x80, (lead == 0xED) ? 0x9F : 0xBF);
					continuation(json, i + 2, 0x80, 0xBF);
					uncounted += name ? 0 : 2;
					i += 3;
				}
				else if (lead >= 0xF0 && lead <= 0xF4) {
					// no overlong forms (F0 80-8F), nothing above U+10FFFF (F4 90-BF)
					continuation(json, i + 1, (lead == 0xF0) ? 0x90 : 0x80, (lead == 0xF4) ? 0x8F : 0xBF);
					continuation(json, i + 2, 0x80, 0xBF);
					continuation(json, i + 3, 0x80, 0xBF);
					// four bytes, two UTF-16 characters
					uncounted += name ? 0 : 2;
					i += 4;
				}
				else {
					throw new Problem(false, "Invalid UTF-8 start byte " + hex(lead) + " at byte " + i);
				}
			}
		}
		int length = i - start - uncounted;
		if (name && length > this.maxNameLength) {
			throw overLimit("Name length", length, this.maxNameLength, "getMaxNameLength");
		}
		if (!name && length > this.maxStringLength) {
			throw overLimit("String value length", length, this.maxStringLength, "getMaxStringLength");
		}
		return i + 1;
	}

	/**
	 * Read the four hex digits of a {@code \\u} escape.
	 * @param json the bytes
	 * @param start where the first digit should be
	 * @return the escaped character
	 */
	private static int hexEscape(byte[] json, int start) {
		int code = 0;
		for (int j = start; j < start + 4; j++) {
			if (j == json.length) {
				throw unexpectedEnd(j, "a hex digit of a \\u escape");
			}
			int digit = Character.digit(json[j], 16);
			if (digit < 0) {
				throw unexpected(json, j, "a hex digit of a \\u escape");
			}
			code = (code << 4) | digit;
		}
		return code;
	}

	private static void continuation(byte[] json, int i, int min, int max) {
		if (i == json.length) {
			throw unexpectedEnd(i, "a UTF-8 continuation byte");
		}
		int b = json[i] & 0xFF;
		if (b < min || b > max) {
			throw new Problem(false, "Invalid UTF-8 byte " + hex(b) + " at byte " + i);
		}
	}

	/**
	 * Read a number.
	 * @param json the bytes
	 * @param start where its first character, a minus sign or a digit, is
	 * @return just after its last digit
	 */
	private int number(byte[] json, int start) {
		int end = json.length;
		int i = start;
		if (json[i] == '-') {
			i++;
			if (i == end) {
				throw unexpectedEnd(i, "a digit after '-'");
			}
			if (!isDigit(json[i])) {
				throw unexpected(json, i, "a digit after '-'");
			}
		}
		int digitsStart = i;
		if (json[i] == '0') {
			i++;
			if (i < end && isDigit(json[i])) {
				throw new Problem(false, "Leading zeroes are not allowed, in the number at byte " + start);
			}
		}
		else {
			i = digits(json, i);
		}
		int digits = i - digitsStart;
		if (i < end && json[i] == '.') {
			int fraction = i + 1;
			i = digits(json, fraction);
			if (i == fraction) {
				throw (i == end) ? unexpectedEnd(i, "a digit after a decimal point")
						: unexpected(json, i, "a digit after a decimal point");
			}
			digits += i - fraction;
		}
		if (i < end && (json[i] == 'e' || json[i] == 'E')) {
			i++;
			if (i < end && (json[i] == '+' || json[i] == '-')) {
				i++;
			}
			int exponent = i;
			i = digits(json, exponent);
			if (i == exponent) {
				throw (i == end) ? unexpectedEnd(i, "a digit in an exponent")
						: unexpected(json, i, "a digit in an exponent");
			}
			digits += i - exponent;
		}
		if (digits > this.maxNumberLength) {
			throw overLimit("Number value length", digits, this.maxNumberLength, "getMaxNumberLength");
		}
		return i;
	}

	private static int digits(byte[] json, int start) {
		int i = start;
		while (i < json.length && isDigit(json[i])) {
			i++;
		}
		return i;
	}

	private static boolean isDigit(byte c) {
		return c >= '0' && c <= '9';
	}

	private static int literal(byte[] json, int start, byte[] word) {
		for (int k = 0; k < word.length; k++) {
			if (start + k == json.length || json[start + k] != word[k]) {
				throw new Problem(false, "Unrecognized token at byte " + start + ": expected a value (string, number, "
						+ "array, object, true, false or null)");
			}
		}
		return start + word.length;
	}

	private static int skipWhitespace(byte[] json, int start) {
		int i = start;
		while (i < json.length) {
			byte c = json[i];
			if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
				break;
			}
			i++;
		}
		return i;
	}

	private static boolean startsValue(byte c) {
		return c == '{' || c == '[' || c == '"' || c == '-' || isDigit(c) || c == 't' || c == 'f' || c == 'n';
	}

	private static Problem unexpected(byte[] json, int i, String expected) {
		int c = json[i] & 0xFF;
		String what = (c > 0x20 && c < 0x7F) ? "character '" + (char) c + "'"
				: (c < 0x80) ? "character (code " + c + ")" : "byte " + hex(c);
		return new Problem(false, "Unexpected " + what + " at byte " + i + ": expected " + expected);
	}

	/**
	 * Say that a limit is crossed in the words of Jackson's
	 * {@link tools.jackson.core.StreamReadConstraints}, whose limits these are.
	 */
	private static Problem overLimit(String what, int value, int max, String getter) {
		return new Problem(true, what + " (" + value + ") exceeds the maximum allowed (" + max
				+ ", from `StreamReadConstraints." + getter + "()`)");
	}

	private static Problem unexpectedEnd(int i, String expected) {
		return new Problem(false, "Unexpected end of input at byte " + i + ": expected " + expected);
	}

	private static String hex(int b) {
		return "0x" + Integer.toHexString(0x100 | b).substring(1).toUpperCase();
	}

	/**
	 * What is wrong with the bytes; thrown only once they are known to be refused, and
	 * cheap (no stack trace).
	 */
	private static final class Problem extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final boolean overLimit;

		Problem(boolean overLimit, String message) {
			super(message, null, false, false);
			this.overLimit = overLimit;
		}

	}

}
