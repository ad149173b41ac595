package io.globalval.core;

/**
 * How a node decides its role.
 */
public enum RolePreference {

	/** Master if it can take the application's lock file first, worker otherwise. */
	AUTO,

	/** Master; fails to start if another master holds the lock. */
	MASTER,

	/** Worker; connects to the master's socket. */
	WORKER

}
