package io.globalval.history;

/**
 * The kinds of anomaly {@link HistoryChecker} reports.
 */
public enum AnomalyKind {

	/**
	 * Node logs disagree at a revision, a log has a gap, or a snapshot does not
	 * match the replayed history.
	 */
	LOG_DIVERGENCE,

	/**
	 * An acknowledged write that changed something is missing from the history.
	 */
	LOST_WRITE,

	/**
	 * A write that definitely failed is in the history.
	 */
	FAILED_WRITE_APPLIED,

	/**
	 * One write id appears at more than one revision.
	 */
	DUPLICATE_APPLY,

	/**
	 * A client was told something the history contradicts, or a write was applied
	 * with other content than the client sent.
	 */
	WRONG_RESULT,

	/**
	 * A counter's value does not add up to its increments.
	 */
	COUNTER,

	/**
	 * A write got a lower revision than a write acknowledged before it started.
	 */
	REAL_TIME_ORDER,

	/**
	 * A read returned a value the key held only before the read's revision window.
	 */
	STALE_READ,

	/**
	 * A read returned a value the key never held up to the end of the read's
	 * revision window.
	 */
	BAD_READ,

	/**
	 * A client's replica revision went backwards between two of its reads.
	 */
	MONOTONIC_READS,

	/**
	 * A client did not see its own acknowledged write on the node it wrote on.
	 */
	READ_YOUR_WRITES,

	/**
	 * A node's final map differs from the replayed history at its final revision.
	 */
	FINAL_STATE

}
