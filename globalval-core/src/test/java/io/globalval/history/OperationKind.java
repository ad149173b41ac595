package io.globalval.history;

/**
 * The kinds of client operation a history can contain.
 */
public enum OperationKind {

	/**
	 * Unconditionally set a key to a value.
	 */
	SET,

	/**
	 * Remove a key; answers whether the key was present.
	 */
	DELETE,

	/**
	 * Set a key only if it holds an expected value; answers whether it did.
	 */
	COMPARE_AND_SET,

	/**
	 * Add a delta to a numeric key (absent counts as 0); answers the new value.
	 */
	INCREMENT,

	/**
	 * Read a key from the local replica.
	 */
	READ;

	/**
	 * Return whether operations of this kind may change the map.
	 * @return {@code true} for every kind except {@link #READ}
	 */
	public boolean isWrite() {
		return this != READ;
	}

}
