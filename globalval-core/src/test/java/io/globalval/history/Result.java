package io.globalval.history;

/**
 * What the system answered for a completed operation. Only the components that
 * are meaningful for the operation's kind are set; create instances with the
 * factory methods.
 *
 * @param revision the revision the write was given, or {@link #UNKNOWN_REVISION}
 * @param applied whether the write changed something: {@code true} for a
 * {@code SET} or {@code INCREMENT}, the answer of a {@code DELETE} or
 * {@code COMPARE_AND_SET}, {@code false} for reads and failures
 * @param counterValue the new value an {@code INCREMENT} returned, or null
 * @param readValue the value a {@code READ} returned (JSON text, null means absent)
 * @param revisionBefore the node's replica revision sampled just before a
 * {@code READ}
 * @param revisionAfter the node's replica revision sampled just after a
 * {@code READ}
 */
public record Result(long revision, boolean applied, Long counterValue, String readValue, long revisionBefore,
		long revisionAfter) {

	/**
	 * Revision value meaning "not reported". Real revisions start at 1.
	 */
	public static final long UNKNOWN_REVISION = 0;

	private static final Result NONE = new Result(UNKNOWN_REVISION, false, null, null, 0, 0);

	/**
	 * Create a result, checking the revisions.
	 * @param revision the revision of the write
	 * @param applied whether the write changed something
	 * @param counterValue the value an increment returned
	 * @param readValue the value a read returned
	 * @param revisionBefore the replica revision before a read
	 * @param revisionAfter the replica revision after a read
	 */
	public Result {
		if (revision < 0 || revisionBefore < 0) {
			throw new IllegalArgumentException("Revisions must not be negative, got " + revision + " and " + revisionBefore);
		}
		if (revisionBefore > revisionAfter) {
			throw new IllegalArgumentException(
					"Revision before a read (" + revisionBefore + ") must not exceed revision after (" + revisionAfter + ")");
		}
	}

	/**
	 * Return the empty result of a failed or unknown operation.
	 * @return the empty result
	 */
	public static Result none() {
		return NONE;
	}

	/**
	 * Create the result of a {@code SET}.
	 * @param revision the revision the write was given
	 * @return the result
	 */
	public static Result revision(long revision) {
		return new Result(revision, true, null, null, 0, 0);
	}

	/**
	 * Create the result of a {@code DELETE} or {@code COMPARE_AND_SET} whose
	 * revision was not reported.
	 * @param applied whether it changed something
	 * @return the result
	 */
	public static Result applied(boolean applied) {
		return applied(applied, UNKNOWN_REVISION);
	}

	/**
	 * Create the result of a {@code DELETE} or {@code COMPARE_AND_SET}.
	 * @param applied whether it changed something
	 * @param revision the revision it was given, or {@link #UNKNOWN_REVISION}
	 * @return the result
	 */
	public static Result applied(boolean applied, long revision) {
		return new Result(revision, applied, null, null, 0, 0);
	}

	/**
	 * Create the result of an {@code INCREMENT} whose revision was not reported.
	 * @param value the new value of the counter
	 * @return the result
	 */
	public static Result counter(long value) {
		return counter(value, UNKNOWN_REVISION);
	}

	/**
	 * Create the result of an {@code INCREMENT}.
	 * @param value the new value of the counter
	 * @param revision the revision it was given, or {@link #UNKNOWN_REVISION}
	 * @return the result
	 */
	public static Result counter(long value, long revision) {
		return new Result(revision, true, value, null, 0, 0);
	}

	/**
	 * Create the result of a {@code READ}.
	 * @param value the value read (JSON text, null means absent)
	 * @param revisionBefore the node's replica revision just before the read
	 * @param revisionAfter the node's replica revision just after the read
	 * @return the result
	 */
	public static Result read(String value, long revisionBefore, long revisionAfter) {
		return new Result(UNKNOWN_REVISION, false, null, value, revisionBefore, revisionAfter);
	}

	/**
	 * Return whether a revision was reported.
	 * @return whether {@link #revision()} is a real revision
	 */
	public boolean hasRevision() {
		return this.revision != UNKNOWN_REVISION;
	}

}
