package io.globalval.history;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a test observed: the client operations and every node's log.
 *
 * @param operations the client operations, in any order
 * @param nodeLogs one log per node; where logs disagree the first one listed is
 * taken as the reference
 */
public record History(List<Operation> operations, List<NodeLog> nodeLogs) {

	/**
	 * Create a history, copying the lists.
	 * @param operations the client operations
	 * @param nodeLogs the node logs
	 */
	public History {
		operations = List.copyOf(operations);
		nodeLogs = List.copyOf(nodeLogs);
	}

	/**
	 * Start building a history.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds a {@link History}. Not thread-safe; see {@link HistoryRecorder} for
	 * concurrent recording.
	 */
	public static final class Builder {

		private final List<Operation> operations = new ArrayList<>();

		private final List<NodeLog> nodeLogs = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Add client operations.
		 * @param operations the operations
		 * @return this builder
		 */
		public Builder operations(Operation... operations) {
			this.operations.addAll(List.of(operations));
			return this;
		}

		/**
		 * Add node logs.
		 * @param nodeLogs the logs
		 * @return this builder
		 */
		public Builder nodeLogs(NodeLog... nodeLogs) {
			this.nodeLogs.addAll(List.of(nodeLogs));
			return this;
		}

		/**
		 * Build the history.
		 * @return the history
		 */
		public History build() {
			return new History(this.operations, this.nodeLogs);
		}

	}

}
