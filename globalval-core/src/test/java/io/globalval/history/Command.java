package io.globalval.history;

import java.util.Objects;

/**
 * What a client asked for: the kind of operation, its key and arguments and, for
 * writes, the id the write carries through replication. Values are JSON text.
 *
 * @param kind the kind of operation
 * @param key the key
 * @param value the value of a {@code SET} or the new value of a
 * {@code COMPARE_AND_SET} (null there means delete); otherwise null
 * @param expected the value a {@code COMPARE_AND_SET} expects (null means absent);
 * otherwise null
 * @param delta the amount an {@code INCREMENT} adds, any sign; otherwise 0
 * @param writeId the id of the write; null for reads
 */
public record Command(OperationKind kind, String key, String value, String expected, long delta, WriteId writeId) {

	/**
	 * Create a command, checking that writes carry a write id and reads do not.
	 * @param kind the kind of operation
	 * @param key the key
	 * @param value the value to write, if any
	 * @param expected the expected value of a compare-and-set
	 * @param delta the delta of an increment
	 * @param writeId the id of the write; null for reads
	 */
	public Command {
		Objects.requireNonNull(kind, "'kind' must not be null");
		Objects.requireNonNull(key, "'key' must not be null");
		if (kind.isWrite() && writeId == null) {
			throw new IllegalArgumentException("'writeId' must not be null for a " + kind + " of '" + key + "'");
		}
		if (!kind.isWrite() && writeId != null) {
			throw new IllegalArgumentException("A READ of '" + key + "' must not carry a write id, got " + writeId);
		}
		if (kind == OperationKind.SET && value == null) {
			throw new IllegalArgumentException("Value must not be null for a SET of '" + key + "'; use a DELETE");
		}
	}

	/**
	 * Create a {@code SET} command.
	 * @param key the key
	 * @param value the JSON text to set
	 * @param writeId the id of the write
	 * @return the command
	 */
	public static Command set(String key, String value, WriteId writeId) {
		return new Command(OperationKind.SET, key, value, null, 0, writeId);
	}

	/**
	 * Create a {@code DELETE} command.
	 * @param key the key
	 * @param writeId the id of the write
	 * @return the command
	 */
	public static Command delete(String key, WriteId writeId) {
		return new Command(OperationKind.DELETE, key, null, null, 0, writeId);
	}

	/**
	 * Create a {@code COMPARE_AND_SET} command.
	 * @param key the key
	 * @param expected the value the key must hold (null means absent)
	 * @param update the value to set (null means delete)
	 * @param writeId the id of the write
	 * @return the command
	 */
	public static Command compareAndSet(String key, String expected, String update, WriteId writeId) {
		return new Command(OperationKind.COMPARE_AND_SET, key, update, expected, 0, writeId);
	}

	/**
	 * Create an {@code INCREMENT} command.
	 * @param key the key
	 * @param delta the amount to add, any sign
	 * @param writeId the id of the write
	 * @return the command
	 */
	public static Command increment(String key, long delta, WriteId writeId) {
		return new Command(OperationKind.INCREMENT, key, null, null, delta, writeId);
	}

	/**
	 * Create a {@code READ} command.
	 * @param key the key
	 * @return the command
	 */
	public static Command read(String key) {
		return new Command(OperationKind.READ, key, null, null, 0, null);
	}

	@Override
	public String toString() {
		String write = (this.writeId != null) ? " (write " + this.writeId + ")" : "";
		return switch (this.kind) {
			case SET -> "SET " + this.key + "=" + Text.value(this.value) + write;
			case DELETE -> "DELETE " + this.key + write;
			case COMPARE_AND_SET -> "CAS " + this.key + " " + Text.value(this.expected) + "->" + Text.value(this.value) + write;
			case INCREMENT -> "INCREMENT " + this.key + " by " + this.delta + write;
			case READ -> "READ " + this.key;
		};
	}

}
