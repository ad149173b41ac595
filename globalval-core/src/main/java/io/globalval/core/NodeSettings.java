package io.globalval.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Plain settings of a globalval node, without Spring. Build them with {@link #builder()}.
 *
 * @param name the application name; processes of one name share values
 * @param role how the node decides its role
 * @param directory the directory of the lock file and the master's socket (or, with TCP,
 * its port file); private to the user (0700)
 * @param nodeName a readable name for this process, for logs and metrics
 * @param writeTimeout how long a write may wait for the master's answer
 * @param maxKeyLength the longest key, in characters
 * @param maxValueSize the largest value, in JSON bytes
 * @param maxFrameSize the largest frame on the wire, in bytes
 * @param changeLogCapacity how many recent changes the master keeps for catch-up
 * @param changeLogMaxBytes how many bytes of recent changes the master keeps for catch-up
 * @param maxQueuedBytes how many bytes may wait to be written to one peer before it is
 * disconnected as too slow
 * @param pingInterval how often the master probes its workers for lag
 * @param failoverGrace how long a worker that took over as master waits for the other
 * workers to reconnect (adopting changes they are ahead with) before it takes writes
 * @param persistence whether and how the master keeps changes on disk
 * @param takeOver whether this node, as a worker, takes over as master when its master
 * dies (by default only with role {@link RolePreference#AUTO})
 * @param transport how processes reach the master
 * @param tcpHost the address the master binds and workers connect to, with
 * {@link TransportType#TCP}
 * @param tcpPort the port of the master with {@link TransportType#TCP}; 0 lets the master
 * pick a free port and publish it in {@link #portFile()}, where workers read it
 * @param tcpSecret the secret every process must share with {@link TransportType#TCP}
 * (at least {@link #MIN_SECRET_LENGTH} characters), or {@code null}; never logged
 */
public record NodeSettings(String name, RolePreference role, Path directory, String nodeName, Duration writeTimeout,
		int maxKeyLength, int maxValueSize, int maxFrameSize, int changeLogCapacity, long changeLogMaxBytes,
		long maxQueuedBytes, Duration pingInterval, Duration failoverGrace, Persistence persistence,
		boolean takeOver, TransportType transport, String tcpHost, int tcpPort, String tcpSecret) {

	/** Name of the lock file whose holder is master. */
	public static final String LOCK_FILE = "master.lock";

	/** Name of the master's socket file. */
	public static final String SOCKET_FILE = "master.sock";

	/** Name of the file in which a TCP master publishes its port. */
	public static final String PORT_FILE = "master.port";

	/** The address a TCP master binds unless told otherwise: loopback only. */
	public static final String DEFAULT_TCP_HOST = "127.0.0.1";

	/** The longest application or node name, in characters. */
	public static final int MAX_NAME_LENGTH = 256;

	/** The shortest accepted TCP secret, in characters. */
	public static final int MIN_SECRET_LENGTH = 16;

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
		Objects.requireNonNull(failoverGrace, "'failoverGrace' must not be null");
		Objects.requireNonNull(persistence, "'persistence' must not be null");
		Objects.requireNonNull(transport, "'transport' must not be null");
		Objects.requireNonNull(tcpHost, "'tcpHost' must not be null");
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
		if (tcpPort < 0 || tcpPort > 65535) {
			throw new IllegalArgumentException(
					"globalval.tcp.port must be 0 (any free port) to 65535, was " + tcpPort);
		}
		if (tcpSecret != null && tcpSecret.length() < MIN_SECRET_LENGTH) {
			// the secret itself is never part of a message
			throw new IllegalArgumentException(("globalval.tcp.secret is %d characters, under the minimum of %d; "
					+ "use a long random one (e.g. from 'openssl rand -base64 32')")
				.formatted(tcpSecret.length(), MIN_SECRET_LENGTH));
		}
		if (transport == TransportType.TCP && tcpSecret == null) {
			throw new IllegalArgumentException(("globalval.transport=tcp requires globalval.tcp.secret: without it "
					+ "anyone who can reach %s could read and write every value; set the same secret of at least %d "
					+ "characters in every process").formatted(tcpHost, MIN_SECRET_LENGTH));
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
	 * Create settings that use the Unix-socket transport.
	 * @param name the application name
	 * @param role how the node decides its role
	 * @param directory the directory of the lock file and the master's socket
	 * @param nodeName a readable name for this process
	 * @param writeTimeout how long a write may wait for the master's answer
	 * @param maxKeyLength the longest key, in characters
	 * @param maxValueSize the largest value, in JSON bytes
	 * @param maxFrameSize the largest frame on the wire, in bytes
	 * @param changeLogCapacity how many recent changes the master keeps for catch-up
	 * @param changeLogMaxBytes how many bytes of recent changes the master keeps
	 * @param maxQueuedBytes how many bytes may wait to be written to one peer
	 * @param pingInterval how often the master probes its workers for lag
	 * @param failoverGrace how long a new master adopts before it takes writes
	 * @param persistence whether and how the master keeps changes on disk
	 * @param takeOver whether this node, as a worker, takes over as master when its
	 * master dies
	 */
	public NodeSettings(String name, RolePreference role, Path directory, String nodeName, Duration writeTimeout,
			int maxKeyLength, int maxValueSize, int maxFrameSize, int changeLogCapacity, long changeLogMaxBytes,
			long maxQueuedBytes, Duration pingInterval, Duration failoverGrace, Persistence persistence,
			boolean takeOver) {
		this(name, role, directory, nodeName, writeTimeout, maxKeyLength, maxValueSize, maxFrameSize,
				changeLogCapacity, changeLogMaxBytes, maxQueuedBytes, pingInterval, failoverGrace, persistence,
				takeOver, TransportType.UDS, DEFAULT_TCP_HOST, 0, null);
	}

	/**
	 * Return the path of the lock file.
	 * @return the lock file
	 */
	public Path lockFile() {
		return this.directory.resolve(LOCK_FILE);
	}

	/**
	 * Return the path of the master's socket.
	 * @return the socket file
	 */
	public Path socketFile() {
		return this.directory.resolve(SOCKET_FILE);
	}

	/**
	 * Return the path of the file in which a TCP master publishes its port.
	 * @return the port file
	 */
	public Path portFile() {
		return this.directory.resolve(PORT_FILE);
	}

	/**
	 * Describe the settings, with the secret masked.
	 * @return the description
	 */
	@Override
	public String toString() {
		return ("NodeSettings[name=%s, role=%s, directory=%s, nodeName=%s, writeTimeout=%s, maxKeyLength=%d, "
				+ "maxValueSize=%d, maxFrameSize=%d, changeLogCapacity=%d, changeLogMaxBytes=%d, maxQueuedBytes=%d, "
				+ "pingInterval=%s, failoverGrace=%s, persistence=%s, takeOver=%s, transport=%s, tcpHost=%s, "
				+ "tcpPort=%d, tcpSecret=%s]")
			.formatted(this.name, this.role, this.directory, this.nodeName, this.writeTimeout, this.maxKeyLength,
					this.maxValueSize, this.maxFrameSize, this.changeLogCapacity, this.changeLogMaxBytes,
					this.maxQueuedBytes, this.pingInterval, this.failoverGrace, this.persistence, this.takeOver,
					this.transport, this.tcpHost, this.tcpPort, (this.tcpSecret != null) ? "******" : null);
	}

	/**
	 * Return a builder with defaults.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Return the default socket directory of an application:
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

		private int maxKeyLength = 256;

		private int maxValueSize = 1024 * 1024;

		private int maxFrameSize = 16 * 1024 * 1024;

		private int changeLogCapacity = 100_000;

		private long changeLogMaxBytes = 32L * 1024 * 1024;

		private long maxQueuedBytes = 256L * 1024 * 1024;

		private Duration pingInterval = Duration.ofSeconds(1);

		private Duration failoverGrace = Duration.ofMillis(500);

		private Persistence persistence = Persistence.DISABLED;

		private Boolean takeOver;

		private TransportType transport = TransportType.UDS;

		private String tcpHost = DEFAULT_TCP_HOST;

		private int tcpPort;

		private String tcpSecret;

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

		/** @param directory the socket directory @return this builder */
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

		/** @param failoverGrace how long a new master adopts before taking writes @return this builder */
		public Builder failoverGrace(Duration failoverGrace) {
			this.failoverGrace = failoverGrace;
			return this;
		}

		/** @param persistence whether and how the master keeps changes on disk @return this builder */
		public Builder persistence(Persistence persistence) {
			this.persistence = persistence;
			return this;
		}

		/** @param transport how processes reach the master @return this builder */
		public Builder transport(TransportType transport) {
			this.transport = transport;
			return this;
		}

		/** @param tcpHost the address of a TCP master @return this builder */
		public Builder tcpHost(String tcpHost) {
			this.tcpHost = tcpHost;
			return this;
		}

		/** @param tcpPort the port of a TCP master, 0 for any free port @return this builder */
		public Builder tcpPort(int tcpPort) {
			this.tcpPort = tcpPort;
			return this;
		}

		/** @param tcpSecret the secret shared by every process of a TCP application @return this builder */
		public Builder tcpSecret(String tcpSecret) {
			this.tcpSecret = tcpSecret;
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
			return new NodeSettings(this.name, this.role, dir, node, this.writeTimeout, this.maxKeyLength,
					this.maxValueSize, this.maxFrameSize, this.changeLogCapacity, this.changeLogMaxBytes,
					this.maxQueuedBytes, this.pingInterval, this.failoverGrace, this.persistence,
					(this.takeOver != null) ? this.takeOver : this.role == RolePreference.AUTO, this.transport,
					this.tcpHost, this.tcpPort, this.tcpSecret);
		}

	}

}
