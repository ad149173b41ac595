package io.globalval.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Plain settings of a globalval node, without Spring, shared by every transport. Build
 * them with {@link #builder()}. What only one transport needs lives with it (the TCP
 * address and secret in {@code TcpTransportSettings}, Redis's stream settings in
 * {@code RedisTransportSettings}); start a node on a transport with
 * {@link io.globalval.GlobalValNodes}.
 *
 * @param name the application name; processes of one name share values
 * @param role how the node decides its role
 * @param directory the directory of the lock file (which holds the master's epoch) and of
 * what the transport keeps there (the master's socket, or a TCP master's port file);
 * private to the user (0700); not used on Redis
 * @param nodeName a readable name for this process, for logs and metrics
 * @param writeTimeout how long a write may wait for the master's answer
 * @param maxPendingWrites how many writes of a worker may wait for their answer at once;
 * a write beyond them waits in its caller's thread for room (back-pressure), at most
 * {@code writeTimeout}
 * @param maxKeyLength the longest key, in characters
 * @param maxValueSize the largest value, in JSON bytes
 * @param maxFrameSize the largest frame on the wire, in bytes
 * @param changeLogCapacity how many recent changes the master keeps for catch-up
 * @param changeLogMaxBytes how many bytes of recent changes the master keeps for catch-up
 * @param maxQueuedBytes how many bytes may wait to be written to one peer before it is
 * disconnected as too slow
 * @param pingInterval how often the master probes its workers for lag
 * @param failoverMaxWait how long a new master waits at most for the members of the last
 * master's group that are still alive to reconnect (it adopts the most up to date log
 * among theirs) before it takes writes without the missing ones
 * @param persistence whether and how the master keeps changes on disk
 * @param takeOver whether this node, as a worker, takes over as master when its master
 * dies (by default only with role {@link RolePreference#AUTO})
 */
public record NodeSettings(String name, RolePreference role, Path directory, String nodeName, Duration writeTimeout,
		int maxPendingWrites, int maxKeyLength, int maxValueSize, int maxFrameSize, int changeLogCapacity,
		long changeLogMaxBytes, long maxQueuedBytes, Duration pingInterval, Duration failoverMaxWait, Persistence persistence,
		boolean takeOver) {

	/**
	 * Default of {@link #maxPendingWrites()}: enough to keep the socket to the master busy
	 * (a few hundred kilobytes of writes in flight), few enough that the writes waiting stay
	 * young garbage the collector rarely copies. In T with 1 and 4 writers 2,048 did more
	 * updates per second than 512, 1,024, 4,096 and 16,384 (BENCHMARKS.md).
	 */
	public static final int DEFAULT_MAX_PENDING_WRITES = 2_048;

	/** Name of the lock file whose holder is master. */
	public static final String LOCK_FILE = "master.lock";

	/** The longest application or node name, in characters. */
	public static final int MAX_NAME_LENGTH = 256;

	/** Bytes a snapshot chunk aims at; a chunk always holds at least one entry. */
	static final int SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

	/** The largest frame size that may be configured: 1 GiB, far from int overflow. */
	static final int MAX_FRAME_SIZE_LIMIT = 1 << 30;

	/** Room for everything in a frame but the value: header, key, revision, lengths. */
	static final int FRAME_OVERHEAD_BYTES = 64;

	/**
	 * Check the settings.
	 */
	public NodeSettings {
		Objects.requireNonNull(name, "'name' must not be null");
		Objects.requireNonNull(role, "'role' must not be null");
		Objects.requireNonNull(directory, "'directory' must not be null");
		Objects.requireNonNull(nodeName, "'nodeName' must not be null");
		Objects.requireNonNull(writeTimeout, "'writeTimeout' must not be null");
		Objects.requireNonNull(pingInterval, "'pingInterval' must not be null");
		Objects.requireNonNull(failoverMaxWait, "'failoverMaxWait' must not be null");
		Objects.requireNonNull(persistence, "'persistence' must not be null");
		if (name.isBlank()) {
			throw new IllegalArgumentException("'name' must not be blank");
		}
		String badName = problemWithName("globalval.name", name);
		if (badName == null) {
			badName = problemWithName("node name", nodeName);
		}
		if (badName != null) {
			throw new IllegalArgumentException(badName);
		}
		if (maxPendingWrites < 1) {
			throw new IllegalArgumentException("globalval.max-pending-writes must be at least 1, was " + maxPendingWrites);
		}
		if (maxKeyLength < 1) {
			throw new IllegalArgumentException("maxKeyLength must be at least 1, was " + maxKeyLength);
		}
		if (maxValueSize < 1) {
			throw new IllegalArgumentException("maxValueSize must be at least 1, was " + maxValueSize);
		}
		if (maxFrameSize > MAX_FRAME_SIZE_LIMIT) {
			throw new IllegalArgumentException("globalval.max-frame-size (%d) must be at most %d bytes"
				.formatted(maxFrameSize, MAX_FRAME_SIZE_LIMIT));
		}
		long needed = (long) maxValueSize + (long) maxKeyLength * 3 + FRAME_OVERHEAD_BYTES;
		if (maxFrameSize < needed) {
			throw new IllegalArgumentException(("globalval.max-frame-size (%d) must exceed globalval.max-value-size "
					+ "(%d) plus room for the key and header (%d bytes in all); raise the frame size or lower the value size")
				.formatted(maxFrameSize, maxValueSize, needed));
		}
		if (writeTimeout.isNegative() || writeTimeout.isZero()) {
			throw new IllegalArgumentException("writeTimeout must be positive, was " + writeTimeout);
		}
	}

	/**
	 * Check an application or node name, which a master also receives from the wire and
	 * quotes in its logs: at most {@link #MAX_NAME_LENGTH} characters and no control
	 * characters (which could forge log lines).
	 * @param what what the name is, for the message
	 * @param name the name
	 * @return {@code null} if it is valid, else what is wrong with it (quoting at most
	 * its first 32 characters, control characters escaped)
	 */
	public static String problemWithName(String what, String name) {
		if (name.length() > MAX_NAME_LENGTH) {
			return "%s '%s...' is %d characters, over the limit of %d; use a shorter one"
				.formatted(what, printable(name, 32), name.length(), MAX_NAME_LENGTH);
		}
		if (name.chars().anyMatch(Character::isISOControl)) {
			return "%s '%s' holds control characters; use printable ones only".formatted(what, printable(name, 32));
		}
		return null;
	}

	private static String printable(String text, int length) {
		StringBuilder result = new StringBuilder();
		text.substring(0, Math.min(length, text.length())).chars().forEach((c) -> {
			if (Character.isISOControl(c)) {
				result.append("\\u%04x".formatted(c));
			}
			else {
				result.append((char) c);
			}
		});
		return result.toString();
	}

	/**
	 * Return the path of the lock file.
	 * @return the lock file
	 */
	public Path lockFile() {
		return this.directory.resolve(LOCK_FILE);
	}

	/**
	 * Return a builder with defaults.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the default directory of an application:
	 * {@code <java.io.tmpdir>/globalval-<name>}.
	 * @param name the application name
	 * @return the directory
	 */
	public static Path defaultDirectory(String name) {
		String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
		return Path.of(System.getProperty("java.io.tmpdir"), "globalval-" + safe);
	}

	/**
	 * Builds {@link NodeSettings}. Every setting has a default but the name.
	 */
	public static final class Builder {

		private String name = "application";

		private RolePreference role = RolePreference.AUTO;

		private Path directory;

		private String nodeName;

		private Duration writeTimeout = Duration.ofSeconds(5);

		private int maxPendingWrites = DEFAULT_MAX_PENDING_WRITES;

		private int maxKeyLength = 256;

		private int maxValueSize = 1024 * 1024;

		private int maxFrameSize = 16 * 1024 * 1024;

		private int changeLogCapacity = 100_000;

		private long changeLogMaxBytes = 32L * 1024 * 1024;

		private long maxQueuedBytes = 256L * 1024 * 1024;

		private Duration pingInterval = Duration.ofSeconds(1);

		private Duration failoverMaxWait = Duration.ofSeconds(5);

		private Persistence persistence = Persistence.DISABLED;

		private Boolean takeOver;

		private Builder() {
		}

		/** @param name the application name @return this builder */
		public Builder name(String name) {
			this.name = name;
			return this;
		}

		/** @param role how to decide the role @return this builder */
		public Builder role(RolePreference role) {
			this.role = role;
			return this;
		}

		/** @param directory the directory of the lock file and the transport's files @return this builder */
		public Builder directory(Path directory) {
			this.directory = directory;
			return this;
		}

		/** @param nodeName a readable name of this process @return this builder */
		public Builder nodeName(String nodeName) {
			this.nodeName = nodeName;
			return this;
		}

		/** @param writeTimeout how long a write may wait @return this builder */
		public Builder writeTimeout(Duration writeTimeout) {
			this.writeTimeout = writeTimeout;
			return this;
		}

		/**
		 * @param maxPendingWrites how many writes may wait for their answer at once before
		 * a write waits for room
		 * @return this builder
		 */
		public Builder maxPendingWrites(int maxPendingWrites) {
			this.maxPendingWrites = maxPendingWrites;
			return this;
		}

		/** @param maxKeyLength the longest key @return this builder */
		public Builder maxKeyLength(int maxKeyLength) {
			this.maxKeyLength = maxKeyLength;
			return this;
		}

		/** @param maxValueSize the largest value in bytes @return this builder */
		public Builder maxValueSize(int maxValueSize) {
			this.maxValueSize = maxValueSize;
			return this;
		}

		/** @param maxFrameSize the largest frame in bytes @return this builder */
		public Builder maxFrameSize(int maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
			return this;
		}

		/** @param changeLogCapacity changes kept for catch-up @return this builder */
		public Builder changeLogCapacity(int changeLogCapacity) {
			this.changeLogCapacity = changeLogCapacity;
			return this;
		}

		/** @param changeLogMaxBytes bytes kept for catch-up @return this builder */
		public Builder changeLogMaxBytes(long changeLogMaxBytes) {
			this.changeLogMaxBytes = changeLogMaxBytes;
			return this;
		}

		/** @param maxQueuedBytes bytes queued to one peer at most @return this builder */
		public Builder maxQueuedBytes(long maxQueuedBytes) {
			this.maxQueuedBytes = maxQueuedBytes;
			return this;
		}

		/** @param pingInterval how often to probe workers @return this builder */
		public Builder pingInterval(Duration pingInterval) {
			this.pingInterval = pingInterval;
			return this;
		}

		/**
		 * @param failoverMaxWait how long a new master waits at most for the live members
		 * of the last group before it takes writes without them
		 * @return this builder
		 */
		public Builder failoverMaxWait(Duration failoverMaxWait) {
			this.failoverMaxWait = failoverMaxWait;
			return this;
		}

		/** @param persistence whether and how the master keeps changes on disk @return this builder */
		public Builder persistence(Persistence persistence) {
			this.persistence = persistence;
			return this;
		}

		/**
		 * @param takeOver whether a worker takes over when its master dies ({@code null}:
		 * only with role auto)
		 * @return this builder
		 */
		public Builder takeOver(Boolean takeOver) {
			this.takeOver = takeOver;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 */
		public NodeSettings build() {
			Path dir = (this.directory != null) ? this.directory : defaultDirectory(this.name);
			String node = (this.nodeName != null) ? this.nodeName : "pid-" + ProcessHandle.current().pid();
			return new NodeSettings(this.name, this.role, dir, node, this.writeTimeout, this.maxPendingWrites,
					this.maxKeyLength,
					this.maxValueSize, this.maxFrameSize, this.changeLogCapacity, this.changeLogMaxBytes,
					this.maxQueuedBytes, this.pingInterval, this.failoverMaxWait, this.persistence,
					(this.takeOver != null) ? this.takeOver : this.role == RolePreference.AUTO);
		}

	}

}
