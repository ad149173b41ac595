package io.globalval.core;

import java.io.IOException;

/**
 * The files of one directory, as the master's change store uses them: append, force,
 * truncate, and an atomic replace that survives a crash. In production the file system
 * ({@link SystemRuntime}); in a simulation, memory that loses what was not forced, tears
 * the last write and fails on demand.
 */
public interface Disk {

	/**
	 * Open a file for reading and appending, creating it if absent.
	 * @param name the file's name in the directory
	 * @return the open file
	 * @throws IOException if it cannot be opened
	 */
	DiskFile open(String name) throws IOException;

	/**
	 * Return whether a file exists.
	 * @param name the file's name
	 * @return whether it exists
	 */
	boolean exists(String name);

	/**
	 * Rename a file over another atomically, and make the rename durable (the directory
	 * is forced too), so that after a crash either the old or the new file is there.
	 * @param source the file to rename
	 * @param target the file to replace
	 * @throws IOException if it cannot be renamed
	 */
	void replace(String source, String target) throws IOException;

	/**
	 * Describe where the files are, for messages.
	 * @return the directory
	 */
	String describe();

}
