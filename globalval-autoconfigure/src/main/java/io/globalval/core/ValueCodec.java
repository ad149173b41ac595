package io.globalval.core;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts values to JSON bytes and back with one {@link JsonMapper}. Values are written
 * once, at their origin; every process decodes them at most once per entry (see
 * {@link ReplicaEntry}). Plain decoding yields unmodifiable maps and lists, because one
 * decoded value is shared by every reader of the replica. Thread-safe.
 */
public final class ValueCodec {

	private final JsonMapper mapper;

	/**
	 * Create a codec.
	 * @param mapper the mapper to write and convert values with (the application's, when
	 * it has one, so that its modules and settings apply)
	 */
	public ValueCodec(JsonMapper mapper) {
		this.mapper = Objects.requireNonNull(mapper, "'mapper' must not be null");
	}

	/**
	 * Return the mapper this codec uses.
	 * @return the mapper
	 */
	public JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Write a value as JSON.
	 * @param value the value
	 * @return its JSON bytes
	 * @throws JacksonException if Jackson cannot write it
	 */
	public byte[] encode(Object value) {
		return this.mapper.writeValueAsBytes(value);
	}

	/**
	 * Read JSON bytes as plain, unmodifiable JSON types.
	 * @param json the bytes
	 * @return the value
	 */
	public Object decode(byte[] json) {
		return freeze(this.mapper.readValue(json, Object.class));
	}

	/**
	 * Read JSON bytes as a type.
	 * @param <T> the type
	 * @param json the bytes
	 * @param type the type
	 * @return the value
	 * @throws IllegalArgumentException if the JSON cannot be read as that type
	 */
	public <T> T convert(byte[] json, Class<T> type) {
		try {
			return this.mapper.readValue(json, type);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Cannot convert value to " + type.getName() + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Check that bytes hold exactly one JSON value that is not {@code null}.
	 * @param json the bytes
	 * @return {@code null} when they do, else what is wrong with them
	 */
	public String problemWith(byte[] json) {
		try (JsonParser parser = this.mapper.createParser(json)) {
			JsonToken first = parser.nextToken();
			if (first == null) {
				return "empty";
			}
			if (first == JsonToken.VALUE_NULL) {
				return "JSON null (use delete to remove a key)";
			}
			parser.skipChildren();
			if (parser.nextToken() != null) {
				return "more than one JSON value";
			}
			return null;
		}
		catch (JacksonException ex) {
			return "not valid JSON: " + ex.getOriginalMessage();
		}
	}

	/**
	 * Return whether two JSON values are equal as values: the same bytes, or the same
	 * decoded objects (so {@code {"a":1,"b":2}} equals {@code {"b":2,"a":1}}).
	 * @param left some JSON bytes
	 * @param right other JSON bytes
	 * @return whether they denote the same value
	 */
	public boolean sameValue(byte[] left, byte[] right) {
		if (Arrays.equals(left, right)) {
			return true;
		}
		try {
			return Objects.equals(this.mapper.readValue(left, Object.class), this.mapper.readValue(right, Object.class));
		}
		catch (JacksonException ex) {
			return false;
		}
	}

	/**
	 * Read JSON bytes as a {@code long}, for increments.
	 * @param json the bytes
	 * @return the integer value, or {@code null} if the JSON is not an integer that fits
	 */
	public Long asLong(byte[] json) {
		Object value;
		try {
			value = this.mapper.readValue(json, Object.class);
		}
		catch (JacksonException ex) {
			return null;
		}
		if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
			return ((Number) value).longValue();
		}
		if (value instanceof BigInteger big && big.bitLength() < 64) {
			return big.longValue();
		}
		return null;
	}

	/**
	 * Return the JSON bytes of a {@code long}.
	 * @param value the value
	 * @return its JSON bytes
	 */
	public static byte[] longToJson(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Read the JSON bytes of an integer written by {@link #longToJson(long)}.
	 * @param json the bytes
	 * @return the value
	 */
	public static long jsonToLong(byte[] json) {
		return Long.parseLong(new String(json, StandardCharsets.US_ASCII));
	}

	@SuppressWarnings("unchecked")
	private static Object freeze(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, (int) (map.size() / 0.75f) + 1));
			((Map<String, Object>) map).forEach((k, v) -> copy.put(k, freeze(v)));
			return Collections.unmodifiableMap(copy);
		}
		if (value instanceof List<?> list) {
			List<Object> copy = new ArrayList<>(list.size());
			list.forEach((v) -> copy.add(freeze(v)));
			return Collections.unmodifiableList(copy);
		}
		return value;
	}

}
