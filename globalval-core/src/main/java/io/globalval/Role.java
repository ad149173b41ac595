package io.globalval;

/**
 * The role a process plays for one application's global values.
 */
public enum Role {

	/** Sequences every change and sends it to the workers; holds the application's lock. */
	MASTER,

	/** Keeps a replica that follows the master; sends its writes to the master. */
	WORKER,

	/**
	 * Every process is a peer of a Redis server that sequences changes: each keeps a
	 * replica that follows the server's sequence and sends its writes there.
	 */
	PEER

}
