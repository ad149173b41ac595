package io.globalval.benchmarks.harness;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The values every workload writes: JSON objects of {@link #VALUE_BYTES} bytes that carry
 * the writer's id ({@code w}), a sequence number ({@code s}) and the writer's
 * {@link System#nanoTime()} when it called set ({@code t}), padded with {@code p}.
 * <p>
 * globalval gets them as a {@link Val} record, written to JSON by its own Jackson mapper
 * (what an application does); the relay and Hazelcast get the same JSON as text, built
 * here without a JSON library because for them it is an opaque payload. Receivers read
 * {@code w}, {@code s} and {@code t} back with {@link #field}, after taking their arrival
 * time, so the probe's cost is never part of a measured latency.
 */
public final class Values {

	/** Size of every value's JSON, in bytes. */
	public static final int VALUE_BYTES = 100;

	/** Returned by {@link #field} when the value has no such field (e.g. a counter). */
	public static final long NO_FIELD = Long.MIN_VALUE;

	private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

	private Values() {
	}

	/**
	 * A benchmark value as globalval's template receives it.
	 * @param w the writer's id
	 * @param s the sequence number
	 * @param t the writer's nanoTime at set
	 * @param p padding up to {@link #VALUE_BYTES}
	 */
	public record Val(int w, long s, long t, String p) {
	}

	/**
	 * Build a value padded with {@code x}.
	 * @param w the writer id
	 * @param s the sequence number
	 * @param t the send time
	 * @return the value
	 */
	public static Val val(int w, long s, long t) {
		return new Val(w, s, t, "x".repeat(padding(w, s, t)));
	}

	/**
	 * Build a value with random padding (workload C).
	 * @param w the writer id
	 * @param s the sequence number
	 * @param t the send time
	 * @return the value
	 */
	public static Val randomVal(int w, long s, long t) {
		int n = padding(w, s, t);
		char[] p = new char[n];
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int i = 0; i < n; i++) {
			p[i] = ALPHABET[random.nextInt(ALPHABET.length)];
		}
		return new Val(w, s, t, new String(p));
	}

	/**
	 * Return the JSON text of a value, for systems that take opaque text.
	 * @param v the value
	 * @return {@code {"w":..,"s":..,"t":..,"p":".."}}
	 */
	public static String json(Val v) {
		return new StringBuilder(VALUE_BYTES).append("{\"w\":")
			.append(v.w())
			.append(",\"s\":")
			.append(v.s())
			.append(",\"t\":")
			.append(v.t())
			.append(",\"p\":\"")
			.append(v.p())
			.append("\"}")
			.toString();
	}

	/**
	 * Return the UTF-8 bytes of {@link #json(Val)}.
	 * @param v the value
	 * @return the bytes
	 */
	public static byte[] jsonBytes(Val v) {
		return json(v).getBytes(StandardCharsets.ISO_8859_1);
	}

	private static int padding(int w, long s, long t) {
		// {"w":W,"s":S,"t":T,"p":""} is 23 bytes plus the digits
		int base = 23 + digits(w) + digits(s) + digits(t);
		return Math.max(0, VALUE_BYTES - base);
	}

	private static int digits(long v) {
		return Long.toString(v).length();
	}

	/**
	 * Read an integer field of a value written here.
	 * @param json the JSON bytes
	 * @param name the one-letter field name
	 * @return the value, or {@link #NO_FIELD}
	 */
	public static long field(byte[] json, char name) {
		for (int i = 0; i + 4 < json.length; i++) {
			if (json[i] == '"' && json[i + 1] == name && json[i + 2] == '"' && json[i + 3] == ':') {
				return parse(json, i + 4);
			}
		}
		return NO_FIELD;
	}

	/**
	 * Read an integer field of a value written here.
	 * @param json the JSON text
	 * @param name the one-letter field name
	 * @return the value, or {@link #NO_FIELD}
	 */
	public static long field(String json, char name) {
		int at = json.indexOf("\"" + name + "\":");
		if (at < 0) {
			return NO_FIELD;
		}
		int i = at + 4;
		boolean negative = i < json.length() && json.charAt(i) == '-';
		if (negative) {
			i++;
		}
		long v = 0;
		int start = i;
		while (i < json.length() && Character.isDigit(json.charAt(i))) {
			v = v * 10 + (json.charAt(i++) - '0');
		}
		return (i == start) ? NO_FIELD : (negative ? -v : v);
	}

	private static long parse(byte[] json, int from) {
		int i = from;
		boolean negative = i < json.length && json[i] == '-';
		if (negative) {
			i++;
		}
		long v = 0;
		int start = i;
		while (i < json.length && json[i] >= '0' && json[i] <= '9') {
			v = v * 10 + (json[i++] - '0');
		}
		return (i == start) ? NO_FIELD : (negative ? -v : v);
	}

}
