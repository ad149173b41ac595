package io.globalval.core;

import io.globalval.protocol.WriteCommand;

/**
 * The limits every write is checked against: by the template before anything is sent,
 * and again by the master for what arrives from the wire.
 */
public final class RequestLimits {

	private final int maxKeyLength;

	private final int maxValueSize;

	private final ValueCodec codec;

	/**
	 * Create the limits of a node.
	 * @param settings the node's settings
	 * @param codec the codec that checks JSON
	 */
	public RequestLimits(NodeSettings settings, ValueCodec codec) {
		this.maxKeyLength = settings.maxKeyLength();
		this.maxValueSize = settings.maxValueSize();
		this.codec = codec;
	}

	/**
	 * Check a key.
	 * @param key the key
	 * @return {@code null} if it is valid, else what is wrong with it
	 */
	public String problemWithKey(String key) {
		if (key == null) {
			return "'key' must not be null";
		}
		if (key.isEmpty()) {
			return "'key' must not be empty";
		}
		if (key.length() > this.maxKeyLength) {
			return "Key '%s...' is %d characters, over globalval.max-key-length (%d); use a shorter key or raise the limit"
				.formatted(key.substring(0, Math.min(32, key.length())), key.length(), this.maxKeyLength);
		}
		return null;
	}

	/**
	 * Check the size of a value.
	 * @param key the key it is for
	 * @param json its JSON bytes
	 * @return {@code null} if it is within the limit, else what is wrong with it
	 */
	public String problemWithSize(String key, byte[] json) {
		if (json.length > this.maxValueSize) {
			return "Value for '%s' is %d bytes, over globalval.max-value-size (%d); shrink it or raise the limit"
				.formatted(key, json.length, this.maxValueSize);
		}
		return null;
	}

	/**
	 * Check a value from the wire: its size, and that it is one JSON value.
	 * @param key the key it is for
	 * @param json its JSON bytes
	 * @return {@code null} if it is valid, else what is wrong with it
	 */
	public String problemWithValue(String key, byte[] json) {
		String problem = problemWithSize(key, json);
		if (problem != null) {
			return problem;
		}
		String invalid = this.codec.problemWith(json);
		return (invalid != null) ? "Value for '" + key + "' is " + invalid : null;
	}

	/**
	 * Check a write from the wire: its key, the value it sets and, for a compare-and-set,
	 * the value it expects.
	 * @param command the write
	 * @return {@code null} if it is valid, else what is wrong with it
	 */
	public String problemWith(WriteCommand command) {
		if (command instanceof WriteCommand.BroadcastAll) {
			return null;
		}
		String problem = problemWithKey(command.key());
		if (problem == null && command.newValue() != null) {
			problem = problemWithValue(command.key(), command.newValue());
		}
		if (problem == null && command instanceof WriteCommand.CompareAndSetValue cas && cas.expected() != null) {
			problem = problemWithValue(cas.key(), cas.expected());
		}
		return problem;
	}

}
