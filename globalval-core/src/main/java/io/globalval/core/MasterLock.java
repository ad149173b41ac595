package io.globalval.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The exclusive lock whose holder is an application's master. The operating system
 * releases it when the holder dies, even on SIGKILL, so a stale lock never blocks a new
 * master.
 */
public final class MasterLock implements GroupLock {

	private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

	private final FileChannel channel;

	private final FileLock lock;

	private MasterLock(FileChannel channel, FileLock lock) {
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Try to take the lock of an application.
	 * @param settings the application's settings
	 * @return the held lock, or {@code null} if another process (or node in this
	 * process) holds it
	 * @throws IOException if the directory or the lock file cannot be created
	 */
	public static MasterLock tryAcquire(NodeSettings settings) throws IOException {
		createPrivateDirectory(settings.directory());
		Path file = settings.lockFile();
		FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE);
		try {
			restrictToOwner(file, OWNER_ONLY_FILE);
			FileLock lock = channel.tryLock();
			if (lock == null) {
				channel.close();
				return null;
			}
			return new MasterLock(channel, lock);
		}
		catch (OverlappingFileLockException ex) {
			channel.close();
			return null;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * Create a directory readable by its owner only (0700), or tighten an existing one.
	 * @param directory the directory
	 * @throws IOException if it cannot be created
	 */
	public static void createPrivateDirectory(Path directory) throws IOException {
		Files.createDirectories(directory);
		restrictToOwner(directory, OWNER_ONLY_DIRECTORY);
	}

	/**
	 * Restrict a file to its owner where the file system has POSIX permissions.
	 * @param path the file
	 * @param permissions the permissions
	 * @throws IOException if they cannot be set
	 */
	static void restrictToOwner(Path path, Set<PosixFilePermission> permissions) throws IOException {
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			Files.setPosixFilePermissions(path, permissions);
		}
	}

	/**
	 * Restrict a socket file to its owner (0600).
	 * @param socket the socket file
	 * @throws IOException if the permissions cannot be set
	 */
	public static void restrictSocket(Path socket) throws IOException {
		restrictToOwner(socket, OWNER_ONLY_FILE);
	}

	/**
	 * Read the epoch the last master wrote into the lock file.
	 * @return the epoch, 0 if none was written
	 * @throws IOException if the file cannot be read
	 */
	@Override
	public long readEpoch() throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(64);
		this.channel.read(buffer, 0);
		String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
		try {
			return text.isEmpty() ? 0 : Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * Write this master's epoch into the lock file, for the next master.
	 * @param epoch the epoch
	 * @throws IOException if the file cannot be written
	 */
	@Override
	public void writeEpoch(long epoch) throws IOException {
		this.channel.truncate(0);
		this.channel.write(ByteBuffer.wrap((epoch + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
		this.channel.force(false);
	}

	/**
	 * Release the lock.
	 */
	@Override
	public void close() throws IOException {
		try {
			this.lock.release();
		}
		finally {
			this.channel.close();
		}
	}

}
