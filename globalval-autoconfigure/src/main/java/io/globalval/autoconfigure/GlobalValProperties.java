package io.globalval.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import io.globalval.core.RolePreference;

/**
 * Configuration properties for globalval: global values shared by the processes of one
 * application.
 */
@ConfigurationProperties("globalval")
public class GlobalValProperties {

	/**
	 * Whether to enable globalval.
	 */
	private boolean enabled = true;

	/**
	 * How this process decides its role. 'auto': the first process of the application to
	 * take the exclusive lock on the application's lock file is master, the others are
	 * workers. 'master': be master or fail to start. 'worker': connect to the master.
	 */
	private RolePreference role = RolePreference.AUTO;

	/**
	 * Name of the application whose processes share values. Defaults to
	 * 'spring.application.name', else 'application'.
	 */
	private String name;

	/**
	 * Transport between the processes.
	 */
	private Transport transport = Transport.UDS;

	/**
	 * Readable name of this process, for logs, metrics and the actuator endpoint.
	 * Defaults to 'pid-' followed by the process id.
	 */
	private String nodeName;

	/**
	 * How long a write may wait for the master's answer before its future fails with a
	 * timeout.
	 */
	private Duration writeTimeout = Duration.ofSeconds(5);

	/**
	 * How long startup may wait until this process can serve reads (for a worker: until
	 * it has applied the master's state) before it fails.
	 */
	private Duration startupTimeout = Duration.ofSeconds(30);

	/**
	 * Longest key, in characters.
	 */
	private int maxKeyLength = 256;

	/**
	 * Largest value, as JSON.
	 */
	private DataSize maxValueSize = DataSize.ofMegabytes(1);

	/**
	 * Largest frame on the wire. Larger frames are rejected before any buffer is
	 * allocated. Must exceed the largest value plus room for its key.
	 */
	private DataSize maxFrameSize = DataSize.ofMegabytes(16);

	/**
	 * How much data may wait to be written to one peer before it is disconnected as too
	 * slow.
	 */
	private DataSize maxQueuedSize = DataSize.ofMegabytes(256);

	/**
	 * How often the master probes its workers for their revision and lag.
	 */
	private Duration pingInterval = Duration.ofSeconds(1);

	private final ChangeLog changeLog = new ChangeLog();

	private final Uds uds = new Uds();

	private final Health health = new Health();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public RolePreference getRole() {
		return this.role;
	}

	public void setRole(RolePreference role) {
		this.role = role;
	}

	public String getName() {
		return this.name;
	}

	public void setName(String name) {
		this.name = name;
	}

	public Transport getTransport() {
		return this.transport;
	}

	public void setTransport(Transport transport) {
		this.transport = transport;
	}

	public String getNodeName() {
		return this.nodeName;
	}

	public void setNodeName(String nodeName) {
		this.nodeName = nodeName;
	}

	public Duration getWriteTimeout() {
		return this.writeTimeout;
	}

	public void setWriteTimeout(Duration writeTimeout) {
		this.writeTimeout = writeTimeout;
	}

	public Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	public void setStartupTimeout(Duration startupTimeout) {
		this.startupTimeout = startupTimeout;
	}

	public int getMaxKeyLength() {
		return this.maxKeyLength;
	}

	public void setMaxKeyLength(int maxKeyLength) {
		this.maxKeyLength = maxKeyLength;
	}

	public DataSize getMaxValueSize() {
		return this.maxValueSize;
	}

	public void setMaxValueSize(DataSize maxValueSize) {
		this.maxValueSize = maxValueSize;
	}

	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public DataSize getMaxQueuedSize() {
		return this.maxQueuedSize;
	}

	public void setMaxQueuedSize(DataSize maxQueuedSize) {
		this.maxQueuedSize = maxQueuedSize;
	}

	public Duration getPingInterval() {
		return this.pingInterval;
	}

	public void setPingInterval(Duration pingInterval) {
		this.pingInterval = pingInterval;
	}

	public ChangeLog getChangeLog() {
		return this.changeLog;
	}

	public Uds getUds() {
		return this.uds;
	}

	public Health getHealth() {
		return this.health;
	}

	/**
	 * Transports between the processes of an application.
	 */
	public enum Transport {

		/**
		 * Unix domain socket: processes on one host.
		 */
		UDS,

		/**
		 * Redis: processes on several hosts. Not available yet.
		 */
		REDIS

	}

	/**
	 * The master's log of recent changes, from which reconnecting workers catch up
	 * without a full snapshot.
	 */
	public static class ChangeLog {

		/**
		 * Most recent changes the master keeps for catch-up.
		 */
		private int capacity = 100_000;

		/**
		 * Most data of recent changes the master keeps for catch-up.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(64);

		public int getCapacity() {
			return this.capacity;
		}

		public void setCapacity(int capacity) {
			this.capacity = capacity;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

	}

	/**
	 * Unix domain socket transport.
	 */
	public static class Uds {

		/**
		 * Directory of the application's lock file and the master's socket, shared by all
		 * its processes. Defaults to '<java.io.tmpdir>/globalval-<name>'.
		 */
		private Path directory;

		public Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(Path directory) {
			this.directory = directory;
		}

	}

	/**
	 * Health indicator.
	 */
	public static class Health {

		/**
		 * How long a worker may be cut off from its master before its health is DOWN.
		 */
		private Duration maxDisconnected = Duration.ofSeconds(10);

		public Duration getMaxDisconnected() {
			return this.maxDisconnected;
		}

		public void setMaxDisconnected(Duration maxDisconnected) {
			this.maxDisconnected = maxDisconnected;
		}

	}

}
