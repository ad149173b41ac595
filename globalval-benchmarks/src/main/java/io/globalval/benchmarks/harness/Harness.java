package io.globalval.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.json.JsonMapper;

import static io.globalval.benchmarks.harness.SystemGroup.START_TIMEOUT_MILLIS;

/**
 * The coordinator of the multi-process benchmark: for every run, workload and system it
 * starts a fresh group of processes (globalval: a master and N workers; the relay: the
 * relay and N workers; Hazelcast: N members), drives the workload of WORKLOADS.md over
 * their stdin/stdout, prints one JSON line, and kills the group. The Node.js seed runs
 * through its own driver, whose lines are passed through. Every wait is bounded; every
 * child is killed at the end, also when the harness itself is interrupted. Each workload
 * is a {@link Workload} of its own; the processes get {@link ChildCommand}s.
 */
public final class Harness implements AutoCloseable {

	/** Names the systems carry in the JSON lines. */
	static final Map<String, String> SYSTEM_NAMES = Map.of("globalval", "globalval-uds", "relay", "raw-uds-relay",
			"hazelcast", "hazelcast-replicatedmap", "globalval-redis", "globalval-redis", "redisson",
			"redisson-rlocalcachedmap", "seed", "node-seed-globalVal", "java-concurrenthashmap",
			"java-concurrenthashmap");

	private static final Logger logger = LoggerFactory.getLogger(Harness.class);

	private final HarnessOptions options;

	private final Consumer<String> lines;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final ChildProcess.Children children = new ChildProcess.Children();

	private final Path workDirectory;

	private final Map<String, Workload> workloads = new LinkedHashMap<>();

	private int groups;

	private int run;

	/**
	 * Create a harness.
	 * @param options what to run
	 * @param lines receives every JSON line (besides stdout and the output file)
	 * @throws IOException if the work directory cannot be created
	 */
	public Harness(HarnessOptions options, Consumer<String> lines) throws IOException {
		this.options = options;
		this.lines = lines;
		this.workDirectory = (options.workDirectory != null) ? Files.createDirectories(options.workDirectory)
				: Files.createTempDirectory("gvbench-");
		Files.createDirectories(this.workDirectory.resolve("logs"));
		if (options.jfrDirectory != null) {
			Files.createDirectories(options.jfrDirectory);
		}
		logger.info("Work directory (sockets, child logs): {}", this.workDirectory);
		if (RedisProcess.executable().isEmpty() && options.systems.removeIf(HarnessOptions.REDIS_SYSTEMS::contains)) {
			if (options.systemsGiven) {
				throw new IllegalArgumentException("--systems names a system on Redis, but redis-server is not on the "
						+ "PATH; install it with: apt-get install -y redis-server");
			}
			logger.warn("redis-server is not on the PATH, so {} are left out (apt-get install -y redis-server)",
					HarnessOptions.REDIS_SYSTEMS);
		}
		for (Workload workload : List.of(new LatencyWorkload(this), new ThroughputWorkload(this),
				new ConvergenceWorkload(this), new BytesWorkload(this), new JoinWorkload(this))) {
			this.workloads.put(workload.letter(), workload);
		}
	}

	/**
	 * Run every run of every workload of every system.
	 */
	public void run() {
		for (this.run = 1; this.run <= this.options.runs; this.run++) {
			for (String workload : this.options.workloads) {
				for (String system : this.options.systems) {
					boolean onRedis = HarnessOptions.REDIS_SYSTEMS.contains(system);
					if (!"seed".equals(system) && !"R".equals(workload)
							&& (!onRedis || HarnessOptions.REDIS_WORKLOADS.contains(workload))) {
						runOne(system, workload);
					}
				}
			}
			if (this.options.workloads.contains("R")) {
				new ReadWorkload(this).run();
			}
			if (this.options.systems.contains("seed")) {
				new SeedRun(this).run();
			}
		}
	}

	private void runOne(String system, String letter) {
		logger.info("run {}: {} {}", this.run, system, letter);
		Workload workload = this.workloads.get(letter);
		if (workload == null) {
			logger.warn("Unknown workload {}", letter);
			return;
		}
		try {
			workload.run(system);
		}
		catch (RuntimeException ex) {
			logger.warn("run {}: {} {} failed", this.run, system, letter, ex);
			Map<String, Object> line = line(system, letter);
			line.put("N", this.options.workers);
			line.put("error", String.valueOf(ex.getMessage()));
			emit(line);
		}
	}

	/** What this harness was asked to run. */
	HarnessOptions options() {
		return this.options;
	}

	/** The run under way, from 1. */
	int currentRun() {
		return this.run;
	}

	/** Where sockets, group directories and child logs go. */
	Path workDirectory() {
		return this.workDirectory;
	}

	// ---------------------------------------------------------------- groups

	/**
	 * Start a group with {@code keys} keys preloaded.
	 * @param jfr flight-recording file prefix for globalval's master and first two workers (its
	 * first two peers on Redis), or null
	 */
	SystemGroup startGroup(String system, int keys, String jfr) {
		SystemGroup group = new SystemGroup(system, "g" + (++this.groups), this.workDirectory,
				this.options.childOptions, this.children);
		try {
			int n = this.options.workers;
			ChildCommand preload = new ChildCommand.Preload(0, keys);
			ChildCommand awaitSize = new ChildCommand.AwaitSize(keys, START_TIMEOUT_MILLIS);
			switch (system) {
				case "globalval" -> {
					group.hub = group.start("master", 0, false, jfrOptions(jfr, "master"));
					group.hub.awaitHello(START_TIMEOUT_MILLIS);
					if (keys > 0) {
						group.hub.call(START_TIMEOUT_MILLIS, preload);
					}
					for (int i = 0; i < n; i++) {
						group.workers.add(group.start("worker", i, false, (i < 2) ? jfrOptions(jfr, "worker" + i) : List.of()));
					}
					group.workers.forEach((w) -> w.awaitHello(START_TIMEOUT_MILLIS));
					group.graceful = jfr != null;
				}
				case "relay" -> {
					group.hub = group.start("relay", 0, false, List.of());
					group.hub.awaitHello(START_TIMEOUT_MILLIS);
					for (int i = 0; i < n; i++) {
						group.workers.add(group.start("worker", i, false, List.of()));
					}
					group.workers.forEach((w) -> w.awaitHello(START_TIMEOUT_MILLIS));
					group.hub.call(START_TIMEOUT_MILLIS, new ChildCommand.AwaitClients(n, START_TIMEOUT_MILLIS));
					if (keys > 0) {
						ChildProcess.callAll(group.workers, START_TIMEOUT_MILLIS, preload);
					}
				}
				case "hazelcast" -> {
					group.hazelcastCluster = "gvbench-" + ProcessHandle.current().pid() + "-" + group.name;
					group.hazelcastPort = 20_000 + 10 * ThreadLocalRandom.current().nextInt(2000);
					group.workers.add(group.start("member", 0, false, List.of()));
					group.workers.get(0).awaitHello(START_TIMEOUT_MILLIS);
					for (int i = 1; i < n; i++) {
						group.workers.add(group.start("member", i, false, List.of()));
					}
					group.workers.forEach((w) -> w.awaitHello(START_TIMEOUT_MILLIS));
					ChildProcess.callAll(group.workers, START_TIMEOUT_MILLIS,
							new ChildCommand.AwaitMembers(n, START_TIMEOUT_MILLIS));
					if (keys > 0) {
						group.workers.get(0).call(START_TIMEOUT_MILLIS, preload);
						ChildProcess.callAll(group.workers, START_TIMEOUT_MILLIS, awaitSize);
					}
				}
				case "globalval-redis", "redisson" -> {
					group.redis = RedisProcess.start(group.directory);
					for (int i = 0; i < n; i++) {
						group.workers.add(group.start("peer", i, false, (i < 2) ? jfrOptions(jfr, "peer" + i) : List.of()));
					}
					group.workers.forEach((w) -> w.awaitHello(START_TIMEOUT_MILLIS));
					group.graceful = jfr != null;
					if (keys > 0) {
						group.workers.get(0).call(START_TIMEOUT_MILLIS, preload);
						if ("redisson".equals(system)) {
							// the other processes' local caches load the preloaded map, as an application's would
							ChildProcess.callAll(group.workers, START_TIMEOUT_MILLIS, new ChildCommand.PreloadCache());
						}
						ChildProcess.callAll(group.workers, START_TIMEOUT_MILLIS, awaitSize);
					}
				}
				default -> throw new IllegalArgumentException("Unknown system " + system);
			}
			return group;
		}
		catch (IOException ex) {
			group.close();
			throw new UncheckedIOException(ex);
		}
		catch (RuntimeException ex) {
			group.close();
			throw ex;
		}
	}

	/**
	 * The JVM options that make a child write a flight recording
	 * {@code <prefix>-<role>.jfr} in {@code --jfr}, or none when {@code prefix} is null.
	 */
	List<String> jfrOptions(String prefix, String role) {
		if (prefix == null) {
			return List.of();
		}
		Path file = this.options.jfrDirectory.resolve(prefix + "-" + role + ".jfr");
		return List.of("-XX:StartFlightRecording=filename=" + file + ",settings=profile,dumponexit=true");
	}

	// ---------------------------------------------------------------- output

	/** A new JSON line of a workload on a system. */
	Map<String, Object> line(String system, String workload) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("system", SYSTEM_NAMES.getOrDefault(system, system));
		line.put("workload", workload);
		return line;
	}

	/** Print a JSON line with the run and the host's load, and append it to {@code --out}. */
	synchronized void emit(Map<String, Object> line) {
		line.put("run", this.run);
		line.putIfAbsent("host_load_1m", loadAverage());
		String text = this.mapper.writeValueAsString(line);
		System.out.println(text);
		System.out.flush();
		this.lines.accept(text);
		if (this.options.out != null) {
			try {
				Files.writeString(this.options.out, text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	/** The host's 1-minute load average when a line is printed: how shared the machine was. */
	private static Double loadAverage() {
		try {
			return Double.valueOf(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Return how many child processes are still alive (for tests).
	 * @return the count
	 */
	int aliveChildren() {
		return this.children.alive().size();
	}

	/**
	 * Kill every child still running.
	 */
	@Override
	public void close() {
		this.children.close();
	}

}
