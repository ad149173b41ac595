package io.globalval.history;

import java.util.Objects;

/**
 * One violation found in a history.
 *
 * @param kind what rule was violated
 * @param message what happened, naming revisions, keys, clients and nodes
 */
public record Anomaly(AnomalyKind kind, String message) {

	/**
	 * Create an anomaly.
	 * @param kind what rule was violated
	 * @param message what happened
	 */
	public Anomaly {
		Objects.requireNonNull(kind, "'kind' must not be null");
		Objects.requireNonNull(message, "'message' must not be null");
	}

	@Override
	public String toString() {
		return this.kind + ": " + this.message;
	}

}
