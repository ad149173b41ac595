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
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts values to JSON bytes and back with one {@link JsonMapper}. Values are written
 * once, at their origin; every process decodes them at most once per entry (see
 * {@link ReplicaEntry}). Plain decoding yields unmodifiable maps and lists, because one
 * decoded value is shared by every reader of the replica. Thread-safe.
 * <p>
 * Hostile input: values arrive from other processes, so every check and read applies
 * fixed {@link StreamReadConstraints} (at most {@link #MAX_NESTING_DEPTH} levels of
 * nesting, numbers of at most {@link #MAX_NUMBER_LENGTH} characters, strings no longer
 * than the largest value), whatever the application's mapper allows or a library set as
 * Jackson's global defaults. Checking and plain decoding use a copy of the mapper with
 * polymorphic (default) typing switched off, so a value cannot name classes to
 * instantiate; only {@link #convert(byte[], Class) conversion to a type the application
 * asks for} uses the application's mapper as it is.
 */
public final class ValueCodec {

	/** The deepest nesting of arrays and objects a value may have. */
	public static final int MAX_NESTING_DEPTH = 500;

	/** The longest number a value may hold, in characters. */
	public static final int MAX_NUMBER_LENGTH = 1000;

	/** The longest property name a value may hold, in characters. */
	public static final int MAX_NAME_LENGTH = 50_000;

	private final JsonMapper mapper;

	private final JsonMapper plainMapper;

	private final JsonFactory constrainedFactory;

	private final JsonSyntax syntax;

	/**
	 * Create a codec whose strings may be as long as Jackson allows by default.
	 * @param mapper the mapper to write and convert values with (the application's, when
	 * it has one, so that its modules and settings apply)
	 */
	public ValueCodec(JsonMapper mapper) {
		this(mapper, StreamReadConstraints.DEFAULT_MAX_STRING_LEN);
	}

	/**
	 * Create a codec.
	 * @param mapper the mapper to write and convert values with (the application's, when
	 * it has one, so that its modules and settings apply)
	 * @param maxValueSize the largest value, in JSON bytes; no string in a value may be
	 * longer
	 */
	public ValueCodec(JsonMapper mapper, int maxValueSize) {
		this.mapper = Objects.requireNonNull(mapper, "'mapper' must not be null");
		if (maxValueSize < 1) {
			throw new IllegalArgumentException("maxValueSize must be at least 1, was " + maxValueSize);
		}
		int maxStringLength = Math.min(maxValueSize, StreamReadConstraints.DEFAULT_MAX_STRING_LEN);
		int maxNameLength = Math.min(maxValueSize, MAX_NAME_LENGTH);
		this.plainMapper = mapper.rebuild().deactivateDefaultTyping().build();
		this.constrainedFactory = mapper.tokenStreamFactory()
			.rebuild()
			.streamReadConstraints(StreamReadConstraints.builder()
				.maxNestingDepth(MAX_NESTING_DEPTH)
				.maxNumberLength(MAX_NUMBER_LENGTH)
				.maxStringLength(maxStringLength)
				.maxNameLength(maxNameLength)
				.build())
			.build();
		this.syntax = new JsonSyntax(MAX_NESTING_DEPTH, MAX_NUMBER_LENGTH, maxStringLength, maxNameLength);
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
		return freeze(readPlain(json));
	}

	private Object readPlain(byte[] json) {
		try (JsonParser parser = parser(json)) {
			return this.plainMapper.readValue(parser, Object.class);
		}
	}

	private JsonParser parser(byte[] json) {
		return this.constrainedFactory.createParser(ObjectReadContext.empty(), json);
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
		try (JsonParser parser = parser(json)) {
			return this.mapper.readValue(parser, type);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Cannot convert value to " + type.getName() + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Read JSON bytes as a generic type, such as {@code List<Flag>}.
	 * @param <T> the type
	 * @param json the bytes
	 * @param type the type, constructed with {@link #mapper()}
	 * @return the value
	 * @throws IllegalArgumentException if the JSON cannot be read as that type
	 */
	public <T> T convert(byte[] json, JavaType type) {
		try (JsonParser parser = parser(json)) {
			return this.mapper.readValue(parser, type);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Cannot convert value to " + type.toCanonical() + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Check that bytes hold exactly one JSON value that is not {@code null}, within the
	 * parsing limits (nesting, number and string length), in one pass over the bytes
	 * rather than with a parser: the master checks every value a worker sends.
	 * @param json the bytes
	 * @return {@code null} when they do, else what is wrong with them
	 */
	public String problemWith(byte[] json) {
		return this.syntax.problemWith(json);
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
			return Objects.equals(readPlain(left), readPlain(right));
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
			value = readPlain(json);
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
