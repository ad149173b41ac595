package io.globalval.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

import io.globalval.cluster.JvmOptionFilter;
import io.globalval.cluster.WorkerOutput;
import io.globalval.core.RolePreference;

/**
 * Configuration properties for globalval: global values shared by the processes of one
 * application. Combinations that cannot work are refused once bound
 * ({@link #afterPropertiesSet()}); the settings of the core check the rest.
 */
@ConfigurationProperties("globalval")
public class GlobalValProperties implements InitializingBean {

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
	 * Transport between the processes: 'uds', 'tcp', 'redis', or 'local' for this process
	 * only (tests, one-process applications).
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
	 * How many writes of a worker (uds or tcp transport) may wait for their answer at
	 * once. A write beyond them waits in its caller's thread until an answer makes room
	 * (back-pressure, as a Kafka producer's full buffer does), for at most the write
	 * timeout, then fails; so a process that writes faster than its master answers holds
	 * a bounded queue. Raise it only for a master far away (many writes per round trip).
	 */
	private int maxPendingWrites = 2_048;

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

	private final Tcp tcp = new Tcp();

	private final Redis redis = new Redis();

	private final Health health = new Health();

	private final Readiness readiness = new Readiness();

	private final Failover failover = new Failover();

	private final Persistence persistence = new Persistence();

	private final Cluster cluster = new Cluster();

	private final PropertySource propertySource = new PropertySource();

	/**
	 * Check what binding alone cannot: sizes the core takes as {@code int}, cluster mode,
	 * which needs a master process on a socket, and the local transport, which has no
	 * master to be a worker of.
	 * @throws InvalidConfigurationPropertyValueException naming the property, the value
	 * and what to do
	 */
	@Override
	public void afterPropertiesSet() {
		checkIntBytes("globalval.max-value-size", this.maxValueSize);
		checkIntBytes("globalval.max-frame-size", this.maxFrameSize);
		if (this.transport == Transport.REDIS && this.cluster.getWorkers() > 0) {
			throw new InvalidConfigurationPropertyValueException("globalval.cluster.workers", this.cluster.getWorkers(),
					"Cluster mode starts the workers of a master on the uds transport; on the Redis transport "
							+ "every process is a peer that is started on its own (on any host), so set "
							+ "globalval.cluster.workers=0 and start each process yourself");
		}
		if (this.transport == Transport.LOCAL && this.cluster.getWorkers() > 0) {
			throw new InvalidConfigurationPropertyValueException("globalval.cluster.workers", this.cluster.getWorkers(),
					"Cluster mode starts workers that share values with this process, but globalval.transport=local "
							+ "keeps them in this process only; set globalval.cluster.workers=0, or use "
							+ "globalval.transport=uds to share values with workers");
		}
		if (this.transport == Transport.LOCAL && this.role == RolePreference.WORKER) {
			throw new InvalidConfigurationPropertyValueException("globalval.role", "worker",
					"A worker needs a master in another process, but globalval.transport=local keeps values in "
							+ "this process only; use globalval.role=auto (or master), or another transport");
		}
	}

	private static void checkIntBytes(String property, DataSize size) {
		if (size != null && size.toBytes() > Integer.MAX_VALUE) {
			throw new InvalidConfigurationPropertyValueException(property, size,
					"At most " + Integer.MAX_VALUE + " bytes (2GB) are supported");
		}
	}

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

	public int getMaxPendingWrites() {
		return this.maxPendingWrites;
	}

	public void setMaxPendingWrites(int maxPendingWrites) {
		this.maxPendingWrites = maxPendingWrites;
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

	public Tcp getTcp() {
		return this.tcp;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Health getHealth() {
		return this.health;
	}

	public Readiness getReadiness() {
		return this.readiness;
	}

	public Failover getFailover() {
		return this.failover;
	}

	public Persistence getPersistence() {
		return this.persistence;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	public PropertySource getPropertySource() {
		return this.propertySource;
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
		 * TCP, loopback by default: processes on one host without a shared socket
		 * directory, such as containers. Requires 'globalval.tcp.secret'.
		 */
		TCP,

		/**
		 * Redis: processes on several hosts, all peers of a Redis server that sequences
		 * every change. Needs Spring Data Redis with Lettuce (spring-boot-starter-data-redis)
		 * and uses the application's connection (spring.data.redis.*).
		 */
		REDIS,
		/**
		 * This process only: no socket, lock file or directory, nothing shared with any
		 * other process. The process is the master of a group of one, with the same API,
		 * ordering, revisions and events. For tests and one-process applications.
		 */
		LOCAL

	}

	/**
	 * The master's log of recent changes, from which reconnecting workers catch up
	 * without a full snapshot.
	 */
	public static class ChangeLog {

		/**
		 * Most recent changes each process keeps for catch-up (a worker too, for when it
		 * becomes master).
		 */
		private int capacity = 100_000;

		/**
		 * Most data of recent changes each process keeps for catch-up: their frames, end
		 * to end in one array that grows up to this size (at most 2GB).
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
	 * TCP transport. Every connection must prove the shared secret (an HMAC challenge,
	 * both ways) before it may send anything; the secret authenticates, it does not
	 * encrypt. The lock file, and with port 0 the port file, stay in
	 * 'globalval.uds.directory'.
	 */
	public static class Tcp {

		/**
		 * Address the master binds and workers connect to. Binding anything but a
		 * loopback address exposes the values to the network, unencrypted.
		 */
		private String host = "127.0.0.1";

		/**
		 * Port of the master. 0 lets the master pick a free port and publish it in the
		 * directory, where workers on the same host read it.
		 */
		private int port;

		/**
		 * Secret shared by every process of the application, at least 16 characters
		 * (e.g. from 'openssl rand -base64 32'). Required with transport 'tcp'.
		 */
		private String secret;

		public String getHost() {
			return this.host;
		}

		public void setHost(String host) {
			this.host = host;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public String getSecret() {
			return this.secret;
		}

		public void setSecret(String secret) {
			this.secret = secret;
		}

	}

	/**
	 * Redis transport: the connection is the application's (spring.data.redis.*); these
	 * are the transport's own settings.
	 */
	public static class Redis {

		/**
		 * About how many changes the stream of changes keeps in Redis (trimmed
		 * approximately). A process further behind than that, after a lost connection,
		 * reloads every value instead of catching up change by change.
		 */
		private long streamMaxLength = 100_000;

		/**
		 * How long one blocking read of the stream waits for new changes. After a wait
		 * that brought nothing, a process checks that Redis still holds the history it
		 * follows, so this also bounds how soon a Redis that lost its data is noticed.
		 */
		private Duration blockTimeout = Duration.ofSeconds(1);

		/**
		 * How long Redis keeps the ids of the writes of a process that stopped writing,
		 * to answer a write sent again after a lost connection with its first outcome
		 * instead of applying it twice.
		 */
		private Duration writeIdRetention = Duration.ofMinutes(10);

		/**
		 * Most write ids Redis keeps for one process: a bound on memory even if a process
		 * never settles its writes.
		 */
		private int maxWriteIdsPerNode = 100_000;

		/**
		 * How many replicas must have copied a write (Redis WAIT) before it is
		 * acknowledged; a write that does not reach them within the write timeout fails
		 * with an exception that says it is applied but may be lost in a failover. 0: a
		 * write is acknowledged once the primary applied it.
		 */
		private int replicasToAck;

		/**
		 * Whether to start on a Redis that may evict keys (maxmemory set with a
		 * maxmemory-policy other than noeviction), where global values could vanish
		 * silently. Off: startup fails with a message.
		 */
		private boolean allowEviction;

		public long getStreamMaxLength() {
			return this.streamMaxLength;
		}

		public void setStreamMaxLength(long streamMaxLength) {
			this.streamMaxLength = streamMaxLength;
		}

		public Duration getBlockTimeout() {
			return this.blockTimeout;
		}

		public void setBlockTimeout(Duration blockTimeout) {
			this.blockTimeout = blockTimeout;
		}

		public Duration getWriteIdRetention() {
			return this.writeIdRetention;
		}

		public void setWriteIdRetention(Duration writeIdRetention) {
			this.writeIdRetention = writeIdRetention;
		}

		public int getMaxWriteIdsPerNode() {
			return this.maxWriteIdsPerNode;
		}

		public void setMaxWriteIdsPerNode(int maxWriteIdsPerNode) {
			this.maxWriteIdsPerNode = maxWriteIdsPerNode;
		}

		public int getReplicasToAck() {
			return this.replicasToAck;
		}

		public void setReplicasToAck(int replicasToAck) {
			this.replicasToAck = replicasToAck;
		}

		public boolean isAllowEviction() {
			return this.allowEviction;
		}

		public void setAllowEviction(boolean allowEviction) {
			this.allowEviction = allowEviction;
		}

	}

	/**
	 * Health indicator.
	 */
	public static class Health {

		/**
		 * How long a worker may be cut off from its master (a peer from Redis) before its
		 * health is DOWN.
		 */
		private Duration maxDisconnected = Duration.ofSeconds(10);

		public Duration getMaxDisconnected() {
			return this.maxDisconnected;
		}

		public void setMaxDisconnected(Duration maxDisconnected) {
			this.maxDisconnected = maxDisconnected;
		}

	}

	/**
	 * Readiness: whether the connection to the master (or to Redis) decides the
	 * application's readiness state.
	 */
	public static class Readiness {

		/**
		 * Whether losing the master (a Redis peer: losing Redis) makes the application
		 * refuse traffic (readiness state REFUSING_TRAFFIC) until it is back. Off by
		 * default: reads keep being served from the local replica while cut off, and the
		 * health indicator reports the disconnection either way.
		 */
		private boolean followConnection;

		public boolean isFollowConnection() {
			return this.followConnection;
		}

		public void setFollowConnection(boolean followConnection) {
			this.followConnection = followConnection;
		}

	}

	/**
	 * Live configuration: global values as Spring properties.
	 */
	public static class PropertySource {

		/**
		 * Whether the values of the keys under key-prefix appear in the Environment as a
		 * property source named 'globalval' (key 'config.sample.greeting' as property
		 * 'sample.greeting'), so that one set changes a property in every process. With
		 * spring-cloud-context on the class path, a change also publishes an
		 * EnvironmentChangeEvent (@ConfigurationProperties beans rebind) and refreshes
		 * the @RefreshScope beans.
		 */
		private boolean enabled;

		/**
		 * The keys that become properties, less this prefix. Empty for every key.
		 */
		private String keyPrefix = "config.";

		/**
		 * Where the property source goes among the Environment's.
		 */
		private Precedence precedence = Precedence.BELOW_COMMAND_LINE;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Precedence getPrecedence() {
			return this.precedence;
		}

		public void setPrecedence(Precedence precedence) {
			this.precedence = precedence;
		}

	}

	/**
	 * Where the global values' property source goes among the Environment's.
	 */
	public enum Precedence {

		/** Above every other source, command-line arguments included. */
		FIRST,

		/**
		 * Below the command-line arguments, above everything else (Java system
		 * properties, environment variables, application.yml).
		 */
		BELOW_COMMAND_LINE,

		/** Below every other source: application.yml and the rest win. */
		LAST

	}

	/**
	 * Failover: a worker takes over when its master dies.
	 */
	public static class Failover {

		/**
		 * Whether a worker takes over as master when its master dies. Defaults to true for
		 * role auto and false for role worker.
		 */
		private Boolean enabled;

		/**
		 * How long a new master waits at most for the members of the last master's group
		 * whose processes are still alive (a paused process counts) to reconnect, so that it
		 * adopts the most up to date log among theirs, before it takes writes without the
		 * missing ones (whose unique changes are then reported as discarded when they return).
		 */
		private Duration maxWait = Duration.ofSeconds(5);

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

	}

	/**
	 * Persistence: the master keeps every change on disk, so that a full restart of the
	 * application restores every value and the revision.
	 */
	public static class Persistence {

		/**
		 * Whether the master writes every change to a log on disk.
		 */
		private boolean enabled;

		/**
		 * Directory of the change log and its snapshot. Defaults to 'data' in the socket
		 * directory; use a directory that outlives reboots for values that must.
		 */
		private Path directory;

		/**
		 * When the change log is forced to disk: 'always' (before a change is
		 * acknowledged), 'every-second' or 'never' (left to the operating system).
		 */
		private io.globalval.core.Persistence.Fsync fsync = io.globalval.core.Persistence.Fsync.EVERY_SECOND;

		/**
		 * Size of the change log above which it is compacted into a snapshot.
		 */
		private DataSize compactAfter = DataSize.ofMegabytes(64);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(Path directory) {
			this.directory = directory;
		}

		public io.globalval.core.Persistence.Fsync getFsync() {
			return this.fsync;
		}

		public void setFsync(io.globalval.core.Persistence.Fsync fsync) {
			this.fsync = fsync;
		}

		public DataSize getCompactAfter() {
			return this.compactAfter;
		}

		public void setCompactAfter(DataSize compactAfter) {
			this.compactAfter = compactAfter;
		}

	}

	/**
	 * Cluster mode: the master starts the application's workers itself, like Node.js's
	 * cluster.fork().
	 */
	public static class Cluster {

		/**
		 * Number of worker processes the master starts (same java, JVM options, classpath
		 * or jar, main class and arguments). 0 starts none. Only for the uds transport: on
		 * Redis every process is a peer that is started on its own, so it must be 0.
		 */
		private int workers;

		/**
		 * HTTP port of the first worker in a web application; worker i listens on
		 * base-port + i - 1. Defaults to the master's server.port + 1.
		 */
		private Integer basePort;

		/**
		 * Wait before restarting a worker that exited unexpectedly; doubles on every
		 * restart in a row, up to 30 seconds.
		 */
		private Duration restartBackoff = Duration.ofSeconds(1);

		/**
		 * Most restarts of one worker within a minute before the master gives up on it.
		 */
		private int maxRestartsPerMinute = 5;

		/**
		 * How long a worker may take to stop after SIGTERM before it is killed.
		 */
		private Duration stopTimeout = Duration.ofSeconds(10);

		/**
		 * JVM options of the master that the workers are not started with: an option is
		 * left out when it starts with one of these patterns, in which '*' stands for any
		 * characters. Defaults to the debugger agent, the JMX agent's ports, GC log files
		 * and Flight Recorder files, which two JVMs cannot share; a list replaces the
		 * defaults. -Dserver.port and -Dmanagement.server.port are always left out.
		 */
		private List<String> jvmOptionsExcluded = new ArrayList<>(JvmOptionFilter.DEFAULT_EXCLUDED);

		/**
		 * JVM options the workers are started with after those of the master, e.g. a
		 * smaller heap.
		 */
		private List<String> jvmOptions = new ArrayList<>();

		/**
		 * Where the workers' standard output and error go. 'log': each line is logged at
		 * INFO by the logger 'io.globalval.cluster.worker.worker-<i>' of the master.
		 * 'inherit': the workers write to the master's standard output and error
		 * themselves.
		 */
		private WorkerOutput output = WorkerOutput.LOG;

		/**
		 * Whether a worker shuts down when the master that started it is gone, killed
		 * with SIGKILL included. Otherwise the workers stay up without a supervisor, and
		 * one of them takes over as master.
		 */
		private boolean exitWithParent = true;

		public int getWorkers() {
			return this.workers;
		}

		public void setWorkers(int workers) {
			this.workers = workers;
		}

		public Integer getBasePort() {
			return this.basePort;
		}

		public void setBasePort(Integer basePort) {
			this.basePort = basePort;
		}

		public Duration getRestartBackoff() {
			return this.restartBackoff;
		}

		public void setRestartBackoff(Duration restartBackoff) {
			this.restartBackoff = restartBackoff;
		}

		public int getMaxRestartsPerMinute() {
			return this.maxRestartsPerMinute;
		}

		public void setMaxRestartsPerMinute(int maxRestartsPerMinute) {
			this.maxRestartsPerMinute = maxRestartsPerMinute;
		}

		public Duration getStopTimeout() {
			return this.stopTimeout;
		}

		public void setStopTimeout(Duration stopTimeout) {
			this.stopTimeout = stopTimeout;
		}

		public List<String> getJvmOptionsExcluded() {
			return this.jvmOptionsExcluded;
		}

		public void setJvmOptionsExcluded(List<String> jvmOptionsExcluded) {
			this.jvmOptionsExcluded = jvmOptionsExcluded;
		}

		public List<String> getJvmOptions() {
			return this.jvmOptions;
		}

		public void setJvmOptions(List<String> jvmOptions) {
			this.jvmOptions = jvmOptions;
		}

		public WorkerOutput getOutput() {
			return this.output;
		}

		public void setOutput(WorkerOutput output) {
			this.output = output;
		}

		public boolean isExitWithParent() {
			return this.exitWithParent;
		}

		public void setExitWithParent(boolean exitWithParent) {
			this.exitWithParent = exitWithParent;
		}

	}

}
