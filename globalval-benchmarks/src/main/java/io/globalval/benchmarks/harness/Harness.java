package io.globalval.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.benchmarks.jmh.ReadBenchmark;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The coordinator of the multi-process benchmark: for every run, workload and system it
 * starts a fresh group of processes (globalval: a master and N workers; the relay: the
 * relay and N workers; Hazelcast: N members), drives the workload of WORKLOADS.md over
 * their stdin/stdout, prints one JSON line, and kills the group. The Node.js seed runs
 * through its own driver, whose lines are passed through. Every wait is bounded; every
 * child is killed at the end, also when the harness itself is interrupted.
 */
public final class Harness implements AutoCloseable {

	/** Names the systems carry in the JSON lines. */
	static final Map<String, String> SYSTEM_NAMES = Map.of("globalval", "globalval-uds", "relay", "raw-uds-relay",
			"hazelcast", "hazelcast-replicatedmap", "globalval-redis", "globalval-redis", "redisson",
			"redisson-rlocalcachedmap", "seed", "node-seed-globalVal", "java-concurrenthashmap",
			"java-concurrenthashmap");

	private static final Logger logger = LoggerFactory.getLogger(Harness.class);

	private static final long SECOND_NANOS = 1_000_000_000L;

	private static final long START_TIMEOUT_MILLIS = 120_000;

	private static final List<String> HAZELCAST_JVM_OPTIONS = List.of("--add-modules", "java.se", "--add-exports",
			"java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens",
			"java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
			"--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

	private final HarnessOptions options;

	private final Consumer<String> lines;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final ChildProcess.Children children = new ChildProcess.Children();

	private final Path workDirectory;

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
				runRead();
			}
			if (this.options.systems.contains("seed")) {
				runSeed();
			}
		}
	}

	private void runOne(String system, String workload) {
		logger.info("run {}: {} {}", this.run, system, workload);
		try {
			switch (workload) {
				case "L" -> {
					for (int keys : this.options.latencyKeys) {
						latency(system, keys);
					}
				}
				case "T" -> throughput(system);
				case "C" -> convergence(system);
				case "B" -> bytes(system);
				case "J" -> join(system);
				default -> logger.warn("Unknown workload {}", workload);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("run {}: {} {} failed", this.run, system, workload, ex);
			Map<String, Object> line = line(system, workload);
			line.put("N", this.options.workers);
			line.put("error", String.valueOf(ex.getMessage()));
			emit(line);
		}
	}

	// ---------------------------------------------------------------- groups

	/** The processes of one system for one workload. */
	private final class Group implements AutoCloseable {

		final String system;

		final Path directory;

		final String name;

		ChildProcess hub;

		final List<ChildProcess> workers = new ArrayList<>();

		final List<ChildProcess> extra = new ArrayList<>();

		String hazelcastCluster;

		RedisProcess redis;

		int hazelcastPort;

		boolean graceful;

		Group(String system) {
			this.system = system;
			this.name = "g" + (++Harness.this.groups);
			this.directory = Harness.this.workDirectory.resolve(this.name);
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

		ChildProcess start(String role, int wid, boolean deferred, List<String> jvmExtra) {
			List<String> jvm = new ArrayList<>(Harness.this.options.childOptions);
			jvm.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
			jvm.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
			if ("hazelcast".equals(this.system)) {
				jvm.addAll(HAZELCAST_JVM_OPTIONS);
			}
			jvm.addAll(jvmExtra);
			List<String> args = new ArrayList<>(List.of(this.system, role, "dir=" + this.directory, "wid=" + wid,
					"deferred=" + deferred));
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
				return ChildProcess.start(Harness.this.children, childName, jvm, args,
						Harness.this.workDirectory.resolve("logs").resolve(childName + ".log"));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
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

		/** CPU time the group's redis-server has used so far, or 0 when it has none. */
		long redisCpuNanos() {
			return (this.redis != null) ? this.redis.cpuNanos() : 0;
		}

	}

	/**
	 * Start a group with {@code keys} keys preloaded.
	 * @param jfr flight-recording file prefix for globalval's master and first two workers (its
	 * first two peers on Redis), or null
	 */
	private Group startGroup(String system, int keys, String jfr) {
		Group group = new Group(system);
		try {
			int n = this.options.workers;
			switch (system) {
				case "globalval" -> {
					group.hub = group.start("master", 0, false, jfrOptions(jfr, "master"));
					group.hub.awaitHello(START_TIMEOUT_MILLIS);
					if (keys > 0) {
						group.hub.call(START_TIMEOUT_MILLIS, "preload", 0, keys);
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
					group.hub.call(START_TIMEOUT_MILLIS, "clients", n, START_TIMEOUT_MILLIS);
					if (keys > 0) {
						callAll(group.workers, START_TIMEOUT_MILLIS, "preload", 0, keys);
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
					callAll(group.workers, START_TIMEOUT_MILLIS, "members", n, START_TIMEOUT_MILLIS);
					if (keys > 0) {
						group.workers.get(0).call(START_TIMEOUT_MILLIS, "preload", 0, keys);
						callAll(group.workers, START_TIMEOUT_MILLIS, "awaitSize", keys, START_TIMEOUT_MILLIS);
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
						group.workers.get(0).call(START_TIMEOUT_MILLIS, "preload", 0, keys);
						if ("redisson".equals(system)) {
							// the other processes' local caches load the preloaded map, as an application's would
							callAll(group.workers, START_TIMEOUT_MILLIS, "preloadCache");
						}
						callAll(group.workers, START_TIMEOUT_MILLIS, "awaitSize", keys, START_TIMEOUT_MILLIS);
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

	private List<String> jfrOptions(String prefix, String role) {
		if (prefix == null) {
			return List.of();
		}
		Path file = this.options.jfrDirectory.resolve(prefix + "-" + role + ".jfr");
		return List.of("-XX:StartFlightRecording=filename=" + file + ",settings=profile,dumponexit=true");
	}

	/** Wait until every replica of a group holds what the others wrote so far. */
	private void sync(Group group, String lastKey, long lastSeq) {
		if ("globalval".equals(group.system)) {
			long revision = group.hub.call(START_TIMEOUT_MILLIS, "revision").get("revision").asLong();
			callAll(group.replicas(), START_TIMEOUT_MILLIS, "await", revision, START_TIMEOUT_MILLIS);
		}
		else if (lastKey != null) {
			callAll(group.replicas(), START_TIMEOUT_MILLIS, "awaitValue", lastKey, lastSeq, START_TIMEOUT_MILLIS);
		}
	}

	private List<JsonNode> callAll(List<ChildProcess> processes, long timeoutMillis, String verb, Object... args) {
		List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
		for (ChildProcess process : processes) {
			answers.add(process.send(verb, args));
		}
		List<JsonNode> results = new ArrayList<>();
		for (int i = 0; i < answers.size(); i++) {
			results.add(processes.get(i).get(answers.get(i), verb, timeoutMillis));
		}
		return results;
	}

	private void warm(Group group, List<ChildProcess> writers) {
		if (this.options.warmSets > 0) {
			List<JsonNode> warmed = callAll(writers, this.options.warmMillis + 120_000, "warm", this.options.warmSets,
					this.options.warmMillis);
			if (writers.size() == 1) {
				sync(group, "warm", warmed.get(0).get("sets").asLong() - 1);
			}
			else if ("globalval".equals(group.system)) {
				sync(group, null, 0);
			}
			else {
				pause(1000);
			}
			// let the JIT finish what the warm-up queued before anything is measured
			pause(500);
		}
	}

	// ---------------------------------------------------------------- L

	private void latency(String system, int keys) {
		int sets = this.options.latencySets;
		long capNanos = this.options.capSeconds * SECOND_NANOS;
		try (Group group = startGroup(system, keys, null)) {
			ChildProcess writer = group.workers.get(0);
			List<ChildProcess> receivers = group.workers.subList(1, group.workers.size());
			warmLatency(group, writer);
			String key = "k0";
			callAll(receivers, 10_000, "Larm", key, sets);
			List<JsonNode> before = cpuSnapshot(group);
			long redisCpuBefore = group.redisCpuNanos();
			long deadline = System.nanoTime() + capNanos;
			JsonNode sent = writer.call(capNanos / 1_000_000 + 60_000, "Lsend", key, sets,
					this.options.latencyIntervalNanos, deadline);
			// what has not arrived 10 s after the last set (or at the cap) is lost
			long waitMillis = Math.max(1000, Math.min(10_000, (deadline - System.nanoTime()) / 1_000_000 + 10_000));
			List<JsonNode> results = callAll(receivers, waitMillis + 30_000, "Lresult", waitMillis);
			List<JsonNode> after = cpuSnapshot(group);
			long cpuUsed = sum(after, "cpu_ns") - sum(before, "cpu_ns") + group.redisCpuNanos() - redisCpuBefore;
			long switches = sum(after, "ctx_switches") - sum(before, "ctx_switches");
			int sentCount = sent.get("sent").asInt();
			List<Long> all = new ArrayList<>();
			List<Long> applied = new ArrayList<>();
			int lost = 0;
			for (JsonNode result : results) {
				result.get("applied").forEach((v) -> applied.add(v.asLong()));
				JsonNode lat = result.get("lat");
				for (int s = 0; s < sentCount; s++) {
					long v = lat.get(s).asLong();
					if (v >= 0) {
						all.add(v);
					}
					else {
						lost++;
					}
				}
			}
			all.sort(null);
			long tFirst = sent.get("tFirst").asLong();
			long tLast = sent.get("tLast").asLong();
			Map<String, Object> line = line(system, "L");
			line.put("K", keys);
			line.put("N", this.options.workers);
			line.put("S", sets);
			line.put("p50_us", micros(percentile(all, 50)));
			line.put("p99_us", micros(percentile(all, 99)));
			line.put("max_us", micros(all.isEmpty() ? null : all.get(all.size() - 1)));
			line.put("lost", lost);
			if (!applied.isEmpty()) {
				// globalval only: origin write to application in the replica, before the listener hop
				applied.sort(null);
				line.put("applied_p50_us", micros(percentile(applied, 50)));
				line.put("applied_p99_us", micros(percentile(applied, 99)));
			}
			line.put("arrivals", all.size());
			line.put("sets_done", sentCount);
			line.put("failed_writes", sent.get("failed").asInt());
			line.put("capped", sentCount < sets);
			line.put("cap_s", this.options.capSeconds);
			line.put("mean_set_interval_ms", (sentCount > 1) ? round((tLast - tFirst) / 1e6 / (sentCount - 1), 3) : null);
			line.put("warm_sets", this.options.warmSets);
			line.put("cpu_us_per_set", round(cpuUsed / 1e3 / Math.max(1, sentCount), 1));
			line.put("context_switches_per_set", round(switches / (double) Math.max(1, sentCount), 1));
			emit(line);
		}
	}

	private void warmLatency(Group group, ChildProcess writer) {
		warm(group, List.of(writer));
	}

	// ---------------------------------------------------------------- T

	private void throughput(String system) {
		Map<String, Object> line = line(system, "T");
		line.put("K", 10);
		line.put("N", this.options.workers);
		for (String mode : List.of("1w", "nw")) {
			try {
				throughputMode(system, mode, line);
			}
			catch (RuntimeException ex) {
				logger.warn("run {}: {} T {} failed", this.run, system, mode, ex);
				line.put("updates_per_s_" + mode, null);
				line.put("error_" + mode, String.valueOf(ex.getMessage()));
			}
		}
		emit(line);
	}

	private void throughputMode(String system, String mode, Map<String, Object> line) {
		int n = this.options.workers;
		int updates = this.options.throughputUpdates;
		int writerCount = "1w".equals(mode) ? 1 : n;
		int per = updates / writerCount;
		String jfr = (system.startsWith("globalval") && this.options.jfrDirectory != null)
				? system + "-T-" + mode + "-run" + this.run : null;
		try (Group group = startGroup(system, 10, jfr)) {
			List<ChildProcess> writers = group.workers.subList(0, writerCount);
			warm(group, writers);
			StringBuilder spec = new StringBuilder();
			for (int j = 0; j < writerCount; j++) {
				spec.append((j > 0) ? "," : "").append(j).append(':').append(j * per).append(':').append((j + 1) * per);
			}
			List<CompletableFuture<JsonNode>> armed = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				armed.add((i < writerCount) ? group.workers.get(i).send("Tarm", spec, i * per, (i + 1) * per)
						: group.workers.get(i).send("Tarm", spec));
			}
			for (int i = 0; i < n; i++) {
				group.workers.get(i).get(armed.get(i), "Tarm", 60_000);
			}
			List<JsonNode> before = cpuSnapshot(group);
			long redisCpuBefore = group.redisCpuNanos();
			long startAt = System.nanoTime() + SECOND_NANOS / 2;
			long deadline = startAt + this.options.capSeconds * SECOND_NANOS;
			List<CompletableFuture<JsonNode>> wrote = new ArrayList<>();
			for (ChildProcess writer : writers) {
				wrote.add(writer.send("Tgo", startAt, deadline));
			}
			long waitMillis = (deadline - System.nanoTime()) / 1_000_000 + 60_000;
			List<JsonNode> seen = callAll(group.workers, waitMillis, "Tresult", deadline);
			List<JsonNode> after = cpuSnapshot(group);
			long redisCpu = group.redisCpuNanos() - redisCpuBefore;
			List<Long> cpuBefore = field(before, "cpu_ns");
			List<Long> cpuAfter = field(after, "cpu_ns");
			List<Long> sysBefore = field(before, "sys_ticks");
			List<Long> sysAfter = field(after, "sys_ticks");
			long switches = sum(after, "ctx_switches") - sum(before, "ctx_switches");
			List<Double> sysShare = new ArrayList<>();
			for (int i = 0; i < cpuAfter.size(); i++) {
				double cpuTicks = (cpuAfter.get(i) - cpuBefore.get(i)) / 1e7;
				sysShare.add((cpuTicks > 0) ? round((sysAfter.get(i) - sysBefore.get(i)) / cpuTicks, 2) : null);
			}
			List<Double> cpuMillis = new ArrayList<>();
			long cpuUsed = redisCpu;
			for (int i = 0; i < cpuAfter.size(); i++) {
				cpuUsed += cpuAfter.get(i) - cpuBefore.get(i);
				cpuMillis.add(round((cpuAfter.get(i) - cpuBefore.get(i)) / 1e6, 1));
			}
			long t0 = Long.MAX_VALUE;
			long enqueue = 0;
			int setsDone = 0;
			for (int i = 0; i < writers.size(); i++) {
				JsonNode w = writers.get(i).get(wrote.get(i), "Tgo", 60_000);
				t0 = Math.min(t0, w.get("t0").asLong());
				enqueue = Math.max(enqueue, w.get("t1").asLong() - w.get("t0").asLong());
				setsDone += w.get("n").asInt();
			}
			boolean done = true;
			long tDone = 0;
			int minSeen = Integer.MAX_VALUE;
			int failed = 0;
			for (JsonNode s : seen) {
				done &= s.get("done").asBoolean();
				tDone = Math.max(tDone, s.get("tDone").asLong());
				minSeen = Math.min(minSeen, s.get("seen").asInt());
				failed += s.get("failed").asInt();
				if (s.hasNonNull("failure")) {
					line.put("failure_example_" + mode, s.get("failure").asString());
				}
			}
			int total = per * writerCount;
			line.put("U_" + mode, total);
			line.put("sets_done_" + mode, setsDone);
			line.put("enqueue_s_" + mode, round(enqueue / 1e9, 3));
			line.put("failed_writes_" + mode, failed);
			line.put("capped_" + mode, !done);
			line.put("cpu_us_per_update_" + mode, round(cpuUsed / 1e3 / Math.max(1, setsDone), 2));
			line.put("cpu_ms_by_process_" + mode, cpuMillis);
			if (group.redis != null) {
				line.put("cpu_ms_redis_server_" + mode, round(redisCpu / 1e6, 1));
			}
			line.put("cpu_kernel_share_by_process_" + mode, sysShare);
			line.put("context_switches_per_update_" + mode, round(switches / (double) Math.max(1, setsDone), 2));
			if (done) {
				double seconds = (tDone - t0) / 1e9;
				line.put("elapsed_s_" + mode, round(seconds, 3));
				line.put("updates_per_s_" + mode, Math.round(total / seconds));
			}
			else {
				line.put("updates_per_s_" + mode, null);
				line.put("cap_s", this.options.capSeconds);
				line.put("visible_to_all_by_cap_" + mode, minSeen);
				line.put("updates_per_s_before_cap_" + mode, Math.round(minSeen / (double) this.options.capSeconds));
			}
		}
	}

	// ---------------------------------------------------------------- C

	private void convergence(String system) {
		int sets = this.options.convergenceSets;
		int increments = this.options.convergenceIncrements;
		try (Group group = startGroup(system, 0, null)) {
			long startAt = System.nanoTime() + SECOND_NANOS / 2;
			long deadline = startAt + this.options.capSeconds * SECOND_NANOS;
			List<JsonNode> done = callAll(group.workers, this.options.capSeconds * 1000L + 90_000, "Cgo", sets,
					increments, startAt, deadline);
			long t0 = Long.MAX_VALUE;
			long t1 = 0;
			int failed = 0;
			for (JsonNode d : done) {
				t0 = Math.min(t0, d.get("t0").asLong());
				t1 = Math.max(t1, d.get("tDone").asLong());
				failed += d.get("failed").asInt();
			}
			String quiesce;
			if ("globalval".equals(group.system)) {
				sync(group, null, 0);
				quiesce = "awaitRevision(master's revision)";
			}
			else {
				pause(2000);
				quiesce = "2 s";
			}
			List<JsonNode> dumps = callAll(group.replicas(), 60_000, "dump");
			Set<String> keys = new TreeSet<>();
			dumps.forEach((d) -> d.propertyNames().forEach(keys::add));
			List<String> divergent = new ArrayList<>();
			for (String key : keys) {
				Set<String> values = new java.util.HashSet<>();
				for (JsonNode d : dumps) {
					values.add(d.has(key) ? d.get(key).asString() : null);
				}
				if (values.size() > 1) {
					divergent.add(key);
				}
			}
			long minCounter = Long.MAX_VALUE;
			long maxCounter = Long.MIN_VALUE;
			List<Long> counters = new ArrayList<>();
			for (JsonNode d : dumps) {
				long c = d.has("counter") ? Long.parseLong(d.get("counter").asString()) : 0;
				counters.add(c);
				minCounter = Math.min(minCounter, c);
				maxCounter = Math.max(maxCounter, c);
			}
			Map<String, Object> line = line(system, "C");
			line.put("K", 10);
			line.put("N", this.options.workers);
			line.put("divergent_keys", divergent.size());
			line.put("divergent_names", divergent);
			line.put("counter_expected", (long) increments * this.options.workers);
			line.put("counter_seen", minCounter);
			line.put("counter_max", maxCounter);
			line.put("counters_per_process", counters);
			line.put("processes_compared", dumps.size());
			line.put("sets_per_worker", sets);
			line.put("incs_per_worker", increments);
			line.put("increment_primitive", "globalval".equals(system) ? "increment (atomic at the master)"
					: "get-then-set (no atomic primitive)");
			line.put("quiesce", quiesce);
			line.put("write_phase_ms", round((t1 - t0) / 1e6, 1));
			line.put("failed_writes", failed);
			emit(line);
		}
	}

	// ---------------------------------------------------------------- B

	private void bytes(String system) {
		Map<String, Object> line = line(system, "B");
		line.put("K", this.options.bytesKeys);
		line.put("N", this.options.workers);
		try (Group group = startGroup(system, 0, null)) {
			ChildProcess writer = group.workers.get(0);
			List<ChildProcess> others = group.workers.subList(1, group.workers.size());
			warm(group, List.of(writer));
			int loaded = 0;
			long seq = 1_000_000;
			for (int keys : this.options.bytesKeys) {
				if (keys > loaded) {
					preloadMore(group, loaded, keys);
					loaded = keys;
				}
				pause(300);
				List<Long> deltas = new ArrayList<>();
				for (int rep = 0; rep < this.options.bytesRepetitions; rep++) {
					long before = sumBytes(group);
					seq++;
					writer.call(30_000, "setOne", "k0", 0, seq);
					callAll(others, 30_000, "awaitValue", "k0", seq, 20_000);
					pause(200);
					deltas.add(sumBytes(group) - before);
				}
				long min = deltas.stream().mapToLong(Long::longValue).min().orElse(-1);
				line.put("bytes_k" + keys, (min < 0) ? null : min);
				line.put("bytes_reps_k" + keys, deltas);
			}
			line.put("counted", switch (system) {
				case "globalval" -> "sum over master and workers of metrics().bytesSent() deltas (pings off)";
				case "relay" -> "bytes written by the writer and by the relay";
				default -> "sum over members of Hazelcast's per-connection bytesWritten (internal NioChannel counter)";
			});
			line.put("figure", "minimum over " + this.options.bytesRepetitions + " single sets (background traffic excluded)");
		}
		emit(line);
	}

	private void preloadMore(Group group, int from, int to) {
		switch (group.system) {
			case "globalval" -> {
				group.hub.call(START_TIMEOUT_MILLIS, "preload", from, to);
				sync(group, null, 0);
			}
			case "relay" -> callAll(group.workers, START_TIMEOUT_MILLIS, "preload", from, to);
			default -> {
				group.workers.get(0).call(START_TIMEOUT_MILLIS, "preload", from, to);
				sync(group, "k" + (to - 1), to - 1);
			}
		}
	}

	/**
	 * One answer to {@code cpu} from every process of a group, hub first: its CPU time
	 * ({@code cpu_ns}), kernel-mode ticks ({@code sys_ticks}) and context switches
	 * ({@code ctx_switches}) so far.
	 */
	private List<JsonNode> cpuSnapshot(Group group) {
		return callAll(group.all(), 30_000, "cpu");
	}

	/** One figure of a snapshot, per process. */
	private static List<Long> field(List<JsonNode> snapshot, String name) {
		List<Long> values = new ArrayList<>();
		for (JsonNode c : snapshot) {
			values.add(c.get(name).asLong());
		}
		return values;
	}

	/** One figure of a snapshot, summed over the processes. */
	private static long sum(List<JsonNode> snapshot, String name) {
		long total = 0;
		for (long v : field(snapshot, name)) {
			total += v;
		}
		return total;
	}

	private long sumBytes(Group group) {
		long total = 0;
		for (JsonNode b : callAll(group.all(), 30_000, "bytes")) {
			long v = b.get("bytes").asLong();
			if (v < 0) {
				return -1;
			}
			total += v;
		}
		return total;
	}

	// ---------------------------------------------------------------- J

	private void join(String system) {
		int keys = this.options.joinKeys;
		Map<String, Object> line = line(system, "J");
		line.put("K", keys);
		line.put("N", this.options.workers);
		if ("relay".equals(system)) {
			line.put("join_ms", null);
			line.put("note", "the relay keeps no state, so a new worker has nothing to join");
			emit(line);
			return;
		}
		try (Group group = startGroup(system, keys, null)) {
			String jfr = ("globalval".equals(system) && this.options.jfrDirectory != null) ? "J-run" + this.run : null;
			ChildProcess joiner = group.start("globalval".equals(system) ? "worker" : "member", this.options.workers,
					true, jfrOptions(jfr, "joiner"));
			group.graceful = jfr != null;
			group.extra.add(joiner);
			joiner.awaitHello(START_TIMEOUT_MILLIS);
			pause(500);
			JsonNode joined = joiner.call(START_TIMEOUT_MILLIS + 60_000, "join", keys, START_TIMEOUT_MILLIS);
			line.put("join_ms", round(joined.get("join_ms").asDouble(), 1));
			line.put("start_returned_ms", round(joined.get("start_returned_ms").asDouble(), 1));
			line.put("keys_after_join", joined.get("size").asInt());
			line.put("measured", "globalval".equals(system) ? "GlobalValNodes.start() to ready() (snapshot applied)"
					: "Hazelcast.newHazelcastInstance() to the local replicated map holding K entries");
		}
		emit(line);
	}

	// ---------------------------------------------------------------- R

	/**
	 * Workload R through JMH ({@link ReadBenchmark}), one fork per benchmark; JMH's own
	 * report goes to the work directory.
	 */
	private void runRead() {
		List<String> include = new ArrayList<>();
		if (this.options.systems.contains("globalval")) {
			include.add("globalvalGet$");
			include.add("globalvalGetAsClass$");
			include.add("concurrentHashMapGet$");
		}
		if (this.options.systems.contains("hazelcast")) {
			include.add("hazelcastReplicatedMapGet$");
		}
		if (include.isEmpty()) {
			return;
		}
		logger.info("run {}: R (JMH)", this.run);
		try {
			ChainedOptionsBuilder builder = new OptionsBuilder()
				.output(this.workDirectory.resolve("logs").resolve("jmh-run" + this.run + ".txt").toString());
			for (String method : include) {
				builder.include(ReadBenchmark.class.getName() + "." + method);
			}
			for (RunResult result : new Runner(builder.build()).run()) {
				String method = result.getParams().getBenchmark();
				method = method.substring(method.lastIndexOf('.') + 1);
				Map<String, Object> line = line(switch (method) {
					case "concurrentHashMapGet" -> "java-concurrenthashmap";
					case "hazelcastReplicatedMapGet" -> "hazelcast";
					default -> "globalval";
				}, "R");
				line.put("K", ReadBenchmark.KEYS);
				line.put("op", switch (method) {
					case "globalvalGet" -> "get(key)";
					case "globalvalGetAsClass" -> "get(key, Class)";
					case "concurrentHashMapGet" -> "ConcurrentHashMap.get";
					default -> "ReplicatedMap.get";
				});
				line.put("ns_per_get", round(result.getPrimaryResult().getScore(), 2));
				line.put("ns_error", round(result.getPrimaryResult().getScoreError(), 2));
				line.put("measured", "JMH avgt, 1 fork, 5x1 s warm-up, 10x1 s measurement, one thread");
				emit(line);
			}
		}
		catch (RunnerException | RuntimeException ex) {
			logger.warn("run {}: R failed", this.run, ex);
			Map<String, Object> line = line("globalval", "R");
			line.put("error", String.valueOf(ex.getMessage()));
			emit(line);
		}
	}

	// ---------------------------------------------------------------- seed

	private void runSeed() {
		List<String> workloads = new ArrayList<>();
		for (String w : this.options.workloads) {
			if (List.of("L", "T", "C", "B", "J", "R").contains(w)) {
				workloads.add(w);
			}
		}
		if (workloads.isEmpty()) {
			return;
		}
		Path script = this.options.root.resolve(this.options.seedScript).normalize();
		List<String> command = new ArrayList<>(List.of("node", script.toString(), "--runs=1",
				"--cap-s=" + this.options.capSeconds, "--S=" + this.options.latencySets,
				"--U=" + this.options.throughputUpdates));
		command.addAll(workloads);
		logger.info("run {}: seed: {}", this.run, String.join(" ", command));
		Process process = null;
		try {
			process = new ProcessBuilder(command).directory(script.getParent().toFile())
				.redirectError(ProcessBuilder.Redirect.appendTo(
						this.workDirectory.resolve("logs").resolve("seed-run" + this.run + ".log").toFile()))
				.start();
			Process seed = process;
			long limitMillis = 330_000L * (workloads.size() + 4);
			CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> passThrough(seed));
			if (!process.waitFor(limitMillis, TimeUnit.MILLISECONDS)) {
				logger.warn("The seed did not finish within {} ms; killing it", limitMillis);
			}
			reading.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			logger.warn("run {}: the seed failed", this.run, ex);
			Map<String, Object> line = line("seed", String.join("", workloads));
			line.put("error", String.valueOf(ex.getMessage()));
			emit(line);
		}
		finally {
			if (process != null) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
			}
		}
	}

	private void passThrough(Process seed) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(seed.getInputStream(), StandardCharsets.UTF_8))) {
			String text;
			while ((text = reader.readLine()) != null) {
				if (!text.startsWith("{")) {
					continue;
				}
				@SuppressWarnings("unchecked")
				Map<String, Object> line = this.mapper.readValue(text, LinkedHashMap.class);
				line.put("run", this.run);
				emit(line);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	// ---------------------------------------------------------------- output

	private Map<String, Object> line(String system, String workload) {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("system", SYSTEM_NAMES.getOrDefault(system, system));
		line.put("workload", workload);
		return line;
	}

	private synchronized void emit(Map<String, Object> line) {
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

	static Long percentile(List<Long> sorted, double p) {
		if (sorted.isEmpty()) {
			return null;
		}
		int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
		return sorted.get(Math.min(sorted.size() - 1, Math.max(0, index)));
	}

	private static Double micros(Long nanos) {
		return (nanos != null) ? round(nanos / 1e3, 1) : null;
	}

	private static double round(double v, int digits) {
		double scale = Math.pow(10, digits);
		return Math.round(v * scale) / scale;
	}

	private static void pause(long millis) {
		LockSupport.parkNanos(millis * 1_000_000);
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
