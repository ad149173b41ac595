package io.globalval.history;

/**
 * Whether a value was held by a key within a revision window.
 */
enum Visibility {

	/**
	 * The key held the value at some revision of the window.
	 */
	VISIBLE,

	/**
	 * The key held the value only before the window.
	 */
	STALE,

	/**
	 * The key never held the value up to the end of the window.
	 */
	NEVER

}
