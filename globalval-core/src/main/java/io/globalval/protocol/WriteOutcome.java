package io.globalval.protocol;

/**
 * What a sequencer decided about one write: the one outcome record of the master's
 * sequencer (remembered per write id, so that a repeat is answered with it), of its
 * {@link Message.Reply} on the wire, and of a remote sequencer such as Redis.
 *
 * @param revision the revision of the write's change, or the sequencer's revision when
 * it changed nothing
 * @param success whether it did what it asked (a delete found the key, a compare-and-set
 * matched)
 * @param number the new value of an increment, else 0
 */
public record WriteOutcome(long revision, boolean success, long number) {

	/**
	 * Return the outcome of a write that made a change.
	 * @param revision the change's revision
	 * @return the outcome
	 */
	public static WriteOutcome applied(long revision) {
		return new WriteOutcome(revision, true, 0);
	}

	/**
	 * Return the outcome of a write that changed nothing (a delete of an absent key, a
	 * compare-and-set that did not match).
	 * @param currentRevision the sequencer's revision
	 * @return the outcome
	 */
	public static WriteOutcome unchanged(long currentRevision) {
		return new WriteOutcome(currentRevision, false, 0);
	}

}
