package io.globalval.history;

import java.util.Objects;

/**
 * One client operation: who ran it where, what it asked, when, and how it ended.
 * Times are in any monotonic unit shared by the whole history.
 *
 * @param clientId the client that ran the operation
 * @param nodeId the node (process) it ran on
 * @param command what was asked
 * @param invokeTime when it was invoked
 * @param completeTime when it completed, or {@link #NEVER}
 * @param outcome how it ended
 * @param result what the system answered; {@link Result#none()} unless
 * {@link Outcome#OK}
 */
public record Operation(String clientId, String nodeId, Command command, long invokeTime, long completeTime,
		Outcome outcome, Result result) {

	/**
	 * Complete time of an operation that never completed.
	 */
	public static final long NEVER = Long.MAX_VALUE;

	/**
	 * Create an operation, checking its times.
	 * @param clientId the client
	 * @param nodeId the node
	 * @param command what was asked
	 * @param invokeTime when it was invoked
	 * @param completeTime when it completed, or {@link #NEVER}
	 * @param outcome how it ended
	 * @param result what the system answered
	 */
	public Operation {
		Objects.requireNonNull(clientId, "'clientId' must not be null");
		Objects.requireNonNull(nodeId, "'nodeId' must not be null");
		Objects.requireNonNull(command, "'command' must not be null");
		Objects.requireNonNull(outcome, "'outcome' must not be null");
		Objects.requireNonNull(result, "'result' must not be null");
		if (completeTime < invokeTime) {
			throw new IllegalArgumentException(
					"Operation " + command + " of " + clientId + " completes at " + completeTime + " before its invoke at " + invokeTime);
		}
	}

	/**
	 * Create an operation that completed with a result.
	 * @param clientId the client
	 * @param nodeId the node
	 * @param command what was asked
	 * @param invokeTime when it was invoked
	 * @param completeTime when it completed
	 * @param result what the system answered
	 * @return the operation
	 */
	public static Operation ok(String clientId, String nodeId, Command command, long invokeTime, long completeTime,
			Result result) {
		return new Operation(clientId, nodeId, command, invokeTime, completeTime, Outcome.OK, result);
	}

	/**
	 * Create an operation that definitely failed.
	 * @param clientId the client
	 * @param nodeId the node
	 * @param command what was asked
	 * @param invokeTime when it was invoked
	 * @param completeTime when the failure was reported
	 * @return the operation
	 */
	public static Operation failed(String clientId, String nodeId, Command command, long invokeTime, long completeTime) {
		return new Operation(clientId, nodeId, command, invokeTime, completeTime, Outcome.FAIL, Result.none());
	}

	/**
	 * Create an operation whose effect is unknown (timeout or crash).
	 * @param clientId the client
	 * @param nodeId the node
	 * @param command what was asked
	 * @param invokeTime when it was invoked
	 * @param completeTime when the client gave up, or {@link #NEVER}
	 * @return the operation
	 */
	public static Operation unknown(String clientId, String nodeId, Command command, long invokeTime,
			long completeTime) {
		return new Operation(clientId, nodeId, command, invokeTime, completeTime, Outcome.UNKNOWN, Result.none());
	}

	/**
	 * Return the kind of the command.
	 * @return the kind
	 */
	public OperationKind kind() {
		return this.command.kind();
	}

	/**
	 * Return the key of the command.
	 * @return the key
	 */
	public String key() {
		return this.command.key();
	}

	/**
	 * Return the write id of the command.
	 * @return the write id, null for reads
	 */
	public WriteId writeId() {
		return this.command.writeId();
	}

	/**
	 * Return whether this is a write the system acknowledged as having changed
	 * something: an OK {@code SET} or {@code INCREMENT}, or an OK {@code DELETE} or
	 * {@code COMPARE_AND_SET} that answered {@code true}.
	 * @return whether the write must be in the history
	 */
	public boolean isAcknowledgedChange() {
		if (this.outcome != Outcome.OK) {
			return false;
		}
		return switch (kind()) {
			case SET, INCREMENT -> true;
			case DELETE, COMPARE_AND_SET -> this.result.applied();
			case READ -> false;
		};
	}

	/**
	 * Return whether this is a successful read.
	 * @return whether the operation is an OK {@code READ}
	 */
	public boolean isOkRead() {
		return this.outcome == Outcome.OK && kind() == OperationKind.READ;
	}

	@Override
	public String toString() {
		String complete = (this.completeTime != NEVER) ? Long.toString(this.completeTime) : "never";
		return this.clientId + "@" + this.nodeId + " " + this.command + " [" + this.invokeTime + ".." + complete + "] "
				+ this.outcome + describeResult();
	}

	private String describeResult() {
		if (this.outcome != Outcome.OK) {
			return "";
		}
		String revision = this.result.hasRevision() ? " revision " + this.result.revision() : "";
		return switch (kind()) {
			case SET -> revision;
			case DELETE, COMPARE_AND_SET -> " " + this.result.applied() + revision;
			case INCREMENT -> " value " + this.result.counterValue() + revision;
			case READ -> " read " + Text.value(this.result.readValue()) + " at revisions " + this.result.revisionBefore()
					+ ".." + this.result.revisionAfter();
		};
	}

}
