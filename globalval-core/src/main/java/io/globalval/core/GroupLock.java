package io.globalval.core;

import java.io.IOException;

/**
 * The held lock whose holder is an application's master, with the epoch the last master
 * wrote into it. Released when closed, or by the operating system when the holder dies.
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
	 * Release the lock.
	 * @throws IOException if releasing fails
	 */
	@Override
	void close() throws IOException;

}
