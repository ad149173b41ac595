package io.globalval.core;

import java.io.IOException;
import java.util.Set;

/**
 * The held lock whose holder is an application's master, with the epoch and the members
 * the last master wrote into it. Released when closed, or by the operating system when the
 * holder dies.
 */
public interface GroupLock extends AutoCloseable {

	/**
	 * Read the epoch the last master wrote.
	 * @return the epoch, 0 if none was written
	 * @throws IOException if it cannot be read
	 */
	long readEpoch() throws IOException;

	/**
	 * Write this master's epoch, for the next master.
	 * @param epoch the epoch
	 * @throws IOException if it cannot be written
	 */
	void writeEpoch(long epoch) throws IOException;

	/**
	 * Read the process ids of the group's members, as the last master recorded them.
	 * @return the pids, empty if none were recorded
	 * @throws IOException if they cannot be read
	 */
	Set<Long> readMembers() throws IOException;

	/**
	 * Record the process ids of the group's members (the workers connected to this
	 * master), so that a process that finds the lock free can tell whether members that
	 * may hold newer state than its own are still alive.
	 * @param pids the pids
	 * @throws IOException if they cannot be written
	 */
	void writeMembers(Set<Long> pids) throws IOException;

	/**
	 * Release the lock.
	 * @throws IOException if releasing fails
	 */
	@Override
	void close() throws IOException;

}
