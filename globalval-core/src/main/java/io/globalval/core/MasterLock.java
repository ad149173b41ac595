package io.globalval.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive lock whose holder is an application's master. The operating system
 * releases it when the holder dies, even on SIGKILL, so a stale lock never blocks a new
 * master.
 * <p>
 * The lock is on the file, not on its path: should the file be deleted or replaced while
 * held (a tmp cleaner, a careless {@code rm}), another process creates and locks a fresh
 * file at the path and becomes master too. {@link #isStillAtPath()} tells, by comparing
 * the file key (device and inode) recorded when the lock was taken with the one at the
 * path now; a holder checks it before acting on the lock, such as removing a socket file
 * it believes stale. The file is never opened a second time: on POSIX systems closing any
 * channel to it would release this process's lock.
 */
public final class MasterLock implements GroupLock {

	private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

	/** Far more than an epoch and the pids of any group take. */
	private static final long MAX_FILE_BYTES = 1024 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(MasterLock.class);

	private final Path file;

	private final FileChannel channel;

	private final FileLock lock;

	/** The file's key when the lock was taken, or {@code null} where the platform has none. */
	private final Object fileKey;

	private volatile boolean reportedLost;

	/** The epoch this holder wrote; guarded by this. */
	private long epoch;

	/** The members this holder wrote; guarded by this. */
	private Set<Long> members = new TreeSet<>();

	private boolean membersWritten;

	private MasterLock(Path file, FileChannel channel, FileLock lock, Object fileKey) {
		this.file = file;
		this.channel = channel;
		this.lock = lock;
		this.fileKey = fileKey;
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
			// read just after locking: a replacement between the open and here goes unnoticed, one later does not
			return new MasterLock(file, channel, lock, fileKey(file));
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

	private static Object fileKey(Path file) throws IOException {
		return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
	}

	/**
	 * Return the lock file.
	 * @return the path of the lock file
	 */
	public Path file() {
		return this.file;
	}

	/**
	 * Return whether the file this lock holds is still the one at its path. If it was
	 * deleted or replaced, another process may have locked a fresh file there and be
	 * master too: this lock is lost, and is logged once at ERROR. Where the platform gives
	 * files no key, the answer is always {@code true}.
	 * @return whether the lock still guards the application
	 */
	public boolean isStillAtPath() {
		if (this.fileKey == null) {
			return true;
		}
		String problem;
		try {
			Object now = fileKey(this.file);
			if (this.fileKey.equals(now)) {
				return true;
			}
			problem = "was replaced by another file";
		}
		catch (NoSuchFileException ex) {
			problem = "was deleted";
		}
		catch (IOException ex) {
			problem = "cannot be checked (" + ex + ")";
		}
		if (!this.reportedLost) {
			this.reportedLost = true;
			logger.error("The master lock {} {} while this process held it: another process may have locked a new "
					+ "file there and become master too. This master no longer trusts its lock; restart the "
					+ "application's processes, and keep cleaners away from {}", this.file, problem,
					this.file.getParent());
		}
		return false;
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
	 * Read the epoch the last master wrote into the lock file (its first line).
	 * @return the epoch, 0 if none was written
	 * @throws IOException if the file cannot be read
	 */
	@Override
	public long readEpoch() throws IOException {
		String[] lines = readLines();
		try {
			return (lines.length == 0 || lines[0].isBlank()) ? 0 : Long.parseLong(lines[0].trim());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * Read the members the last master wrote into the lock file (its second line).
	 * @return the members' pids
	 * @throws IOException if the file cannot be read
	 */
	@Override
	public Set<Long> readMembers() throws IOException {
		String[] lines = readLines();
		Set<Long> pids = new TreeSet<>();
		if (lines.length > 1) {
			for (String pid : lines[1].trim().split(" ")) {
				try {
					pids.add(Long.parseLong(pid));
				}
				catch (NumberFormatException ex) {
					// a torn or foreign line names no member
				}
			}
		}
		return pids;
	}

	private String[] readLines() throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(MAX_FILE_BYTES, Math.max(64, this.channel.size())));
		this.channel.read(buffer, 0);
		return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).split("\n");
	}

	/**
	 * Write this master's epoch into the lock file, for the next master.
	 * @param epoch the epoch
	 * @throws IOException if the file cannot be written
	 */
	@Override
	public synchronized void writeEpoch(long epoch) throws IOException {
		if (!this.membersWritten) {
			// until this master has members of its own, the last master's may still hold newer state
			this.members = new TreeSet<>(readMembers());
		}
		this.epoch = epoch;
		write();
	}

	/**
	 * Write the members into the lock file, for the next master.
	 * @param pids the members' pids
	 * @throws IOException if the file cannot be written
	 */
	@Override
	public synchronized void writeMembers(Set<Long> pids) throws IOException {
		this.members = new TreeSet<>(pids);
		this.membersWritten = true;
		write();
	}

	private synchronized void write() throws IOException {
		StringBuilder text = new StringBuilder().append(this.epoch).append('\n');
		this.members.forEach((pid) -> text.append(pid).append(' '));
		text.append('\n');
		this.channel.truncate(0);
		this.channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII)), 0);
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
