package io.globalval.core;

import tools.jackson.databind.JavaType;

/**
 * One key of a {@link Replica}: the JSON bytes that came over the wire, the revision that
 * wrote them, and the decoded forms, computed on first use and cached: the plain value,
 * and the last conversion to a type (a {@code Class} or a generic {@code JavaType}).
 * <p>
 * The cached fields are written without a lock. A race makes two threads decode the same
 * bytes; both results are equal and each is published whole through a volatile write,
 * so a reader sees either nothing or a complete value.
 */
public final class ReplicaEntry {

	private static final Object UNDECODED = new Object();

	private final byte[] json;

	private final long revision;

	private volatile Object value = UNDECODED;

	private volatile Conversion conversion;

	ReplicaEntry(byte[] json, long revision) {
		this.json = json;
		this.revision = revision;
	}

	/**
	 * Return the JSON bytes of the value. Callers must not modify them.
	 * @return the bytes
	 */
	public byte[] json() {
		return this.json;
	}

	/**
	 * Return the revision that wrote this value.
	 * @return the revision
	 */
	public long revision() {
		return this.revision;
	}

	Object value(ValueCodec codec) {
		Object decoded = this.value;
		if (decoded == UNDECODED) {
			decoded = codec.decode(this.json);
			this.value = decoded;
		}
		return decoded;
	}

	@SuppressWarnings("unchecked")
	<T> T value(ValueCodec codec, Class<T> type) {
		Conversion last = this.conversion;
		if (last != null && last.type == type) {
			return (T) last.value;
		}
		T converted = codec.convert(this.json, type);
		this.conversion = new Conversion(type, converted);
		return converted;
	}

	@SuppressWarnings("unchecked")
	<T> T value(ValueCodec codec, JavaType type) {
		Conversion last = this.conversion;
		// equal types hit too: a handle's type is one instance, a listener's another
		if (last != null && (last.type == type || type.equals(last.type))) {
			return (T) last.value;
		}
		T converted = codec.convert(this.json, type);
		this.conversion = new Conversion(type, converted);
		return converted;
	}

	/** The last conversion: a {@code Class} or a {@code JavaType}, and the value. */
	private record Conversion(Object type, Object value) {
	}

}
