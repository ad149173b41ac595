package io.globalval.core;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open file of a {@link Disk}. Writes append; {@link #force()} makes what was
 * written durable.
 */
public interface DiskFile extends Closeable {

	/**
	 * Return the file's size.
	 * @return the size in bytes
	 * @throws IOException if it cannot be read
	 */
	long size() throws IOException;

	/**
	 * Read bytes at a position.
	 * @param target where to put them; filled up to its limit unless the file ends first
	 * @param position the position in the file
	 * @return the number of bytes read, -1 at the end of the file
	 * @throws IOException if it cannot be read
	 */
	int read(ByteBuffer target, long position) throws IOException;

	/**
	 * Append every remaining byte of a buffer at the end of the file.
	 * @param source the bytes
	 * @throws IOException if they cannot be written (the file may hold a part of them)
	 */
	void append(ByteBuffer source) throws IOException;

	/**
	 * Make everything written so far durable.
	 * @throws IOException if it cannot be forced
	 */
	void force() throws IOException;

	/**
	 * Cut the file to a size, durably.
	 * @param size the new size
	 * @throws IOException if it cannot be cut
	 */
	void truncate(long size) throws IOException;

}
