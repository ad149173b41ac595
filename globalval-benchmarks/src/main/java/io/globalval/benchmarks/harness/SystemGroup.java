package io.globalval.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;

/**
 * The processes of one system for one workload: the hub (globalval's master or the
 * relay) if the system has one, its workers (or members, or peers), any process started
 * later (J's joiner), and the group's redis-server. Closing the group kills them all.
 */
final class SystemGroup implements AutoCloseable {

	/** The longest wait for a process to start, and for most waits while a group starts. */
	static final long START_TIMEOUT_MILLIS = 120_000;

	private static final List<String> HAZELCAST_JVM_OPTIONS = List.of("--add-modules", "java.se", "--add-exports",
			"java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens",
			"java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
			"--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

	final String system;

	final String name;

	final Path directory;

	private final Path logs;

	private final List<String> childOptions;

	private final ChildProcess.Children children;

	ChildProcess hub;

	final List<ChildProcess> workers = new ArrayList<>();

	final List<ChildProcess> extra = new ArrayList<>();

	String hazelcastCluster;

	RedisProcess redis;

	int hazelcastPort;

	boolean graceful;

	/**
	 * Create an empty group and its directory.
	 * @param system the system
	 * @param name the group's name, unique in the work directory
	 * @param workDirectory the harness's work directory
	 * @param childOptions the JVM options of every child
	 * @param children the registry that kills every child at the end
	 */
	SystemGroup(String system, String name, Path workDirectory, List<String> childOptions,
			ChildProcess.Children children) {
		this.system = system;
		this.name = name;
		this.directory = workDirectory.resolve(name);
		this.logs = workDirectory.resolve("logs");
		this.childOptions = childOptions;
		this.children = children;
		try {
			Files.createDirectories(this.directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The processes that hold a copy of the map. */
	List<ChildProcess> replicas() {
		List<ChildProcess> all = new ArrayList<>();
		if ("globalval".equals(this.system)) {
			all.add(this.hub);
		}
		all.addAll(this.workers);
		return all;
	}

	/** Every process that writes on the system's channels. */
	List<ChildProcess> all() {
		List<ChildProcess> all = new ArrayList<>();
		if (this.hub != null) {
			all.add(this.hub);
		}
		all.addAll(this.workers);
		return all;
	}

	/**
	 * Start a process of this group; it answers its hello once started.
	 * @param role its role ({@code master}, {@code worker}, {@code relay}, {@code member},
	 * {@code peer})
	 * @param wid its writer id
	 * @param deferred whether its node waits for J's {@code join} to start
	 * @param jvmExtra further JVM options
	 * @return the process
	 */
	ChildProcess start(String role, int wid, boolean deferred, List<String> jvmExtra) {
		List<String> jvm = new ArrayList<>(this.childOptions);
		jvm.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
		jvm.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
		if ("hazelcast".equals(this.system)) {
			jvm.addAll(HAZELCAST_JVM_OPTIONS);
		}
		jvm.addAll(jvmExtra);
		List<String> args = new ArrayList<>(
				List.of(this.system, role, "dir=" + this.directory, "wid=" + wid, "deferred=" + deferred));
		if (this.redis != null) {
			args.add("redis=" + this.redis.uri());
		}
		if ("hazelcast".equals(this.system)) {
			args.add("cluster=" + this.hazelcastCluster);
			args.add("port=" + this.hazelcastPort);
			args.add("ports=" + 10);
		}
		String childName = this.name + "-" + this.system + "-" + role + "-" + wid;
		try {
			return ChildProcess.start(this.children, childName, jvm, args, this.logs.resolve(childName + ".log"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Wait until every replica holds what the others wrote so far. */
	void sync(String lastKey, long lastSeq) {
		if ("globalval".equals(this.system)) {
			long revision = this.hub.call(START_TIMEOUT_MILLIS, new ChildCommand.Revision()).get("revision").asLong();
			ChildProcess.callAll(replicas(), START_TIMEOUT_MILLIS,
					new ChildCommand.AwaitRevision(revision, START_TIMEOUT_MILLIS));
		}
		else if (lastKey != null) {
			ChildProcess.callAll(replicas(), START_TIMEOUT_MILLIS,
					new ChildCommand.AwaitValue(lastKey, lastSeq, START_TIMEOUT_MILLIS));
		}
	}

	/**
	 * One answer to {@code cpu} from every process, hub first: its CPU time
	 * ({@code cpu_ns}), kernel-mode ticks ({@code sys_ticks}) and context switches
	 * ({@code ctx_switches}) so far.
	 */
	List<JsonNode> cpuSnapshot() {
		return ChildProcess.callAll(all(), 30_000, new ChildCommand.Cpu());
	}

	/** CPU time the group's redis-server has used so far, or 0 when it has none. */
	long redisCpuNanos() {
		return (this.redis != null) ? this.redis.cpuNanos() : 0;
	}

	@Override
	public void close() {
		List<ChildProcess> all = all();
		all.addAll(this.extra);
		if (this.graceful) {
			List<CompletableFuture<Void>> stops = new ArrayList<>();
			for (ChildProcess child : all) {
				stops.add(CompletableFuture.runAsync(() -> child.stop(15_000)));
			}
			stops.forEach(CompletableFuture::join);
		}
		all.forEach(ChildProcess::close);
		if (this.redis != null) {
			this.redis.close();
		}
	}

}
