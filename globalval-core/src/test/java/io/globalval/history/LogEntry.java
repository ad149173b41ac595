package io.globalval.history;

/**
 * One entry of a node's applied change log: a {@link Change} or a
 * {@link Snapshot} the node loaded.
 */
public sealed interface LogEntry permits Change, Snapshot {

	/**
	 * Return the revision of the node's map after this entry.
	 * @return the revision
	 */
	long revision();

}
