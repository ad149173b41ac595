package io.globalval.benchmarks.harness;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.globalval.benchmarks.relay.RelayServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * A process of a system under test: a globalval master or worker, the relay or one of
 * its workers, a Hazelcast member, a globalval peer of Redis or a Redisson client. The coordinator drives it over stdin (one command
 * a line: {@code <id> <verb> <args...>}) and reads answers on stdout
 * ({@code @<id> <json>}, or {@code @<id> !<error>}). Every command runs on its own
 * thread and every wait in it is bounded. When stdin closes (the coordinator is gone)
 * the process exits.
 * <pre>
 * java -cp globalval-benchmarks.jar io.globalval.benchmarks.harness.ChildMain &lt;system&gt; &lt;role&gt; key=value...
 * </pre>
 */
public final class ChildMain {

	private static final long SECOND_NANOS = 1_000_000_000L;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final PrintStream out;

	private final String system;

	private final String role;

	private final Map<String, String> options;

	private final int wid;

	private final ExecutorService commands = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "command");
		thread.setDaemon(true);
		return thread;
	});

	private BenchNode node;

	private RelayServer relay;

	private volatile Recorders.Latency latency;

	private volatile Recorders.Throughput throughput;

	private volatile List<Values.Val> throughputValues = List.of();

	private volatile Outcomes throughputOutcomes = new Outcomes();

	/** How long T waits, once every process saw every update, for the writes' acknowledgements. */
	private static final long OUTCOME_WAIT_MILLIS = 30_000;

	/** How the last failed write of a workload failed, for the JSON line. */
	private volatile String failureExample;

	private ChildMain(PrintStream out, String system, String role, Map<String, String> options) {
		this.out = out;
		this.system = system;
		this.role = role;
		this.options = options;
		this.wid = Integer.parseInt(options.getOrDefault("wid", "0"));
	}

	/**
	 * Run a child.
	 * @param args system, role, then {@code key=value} options
	 */
	public static void main(String[] args) {
		PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
				StandardCharsets.UTF_8);
		System.setOut(System.err);
		Map<String, String> options = new HashMap<>();
		for (int i = 2; i < args.length; i++) {
			int eq = args[i].indexOf('=');
			options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
		}
		ChildMain child = new ChildMain(out, args[0], args[1], options);
		try {
			child.start();
		}
		catch (Throwable ex) {
			ex.printStackTrace(System.err);
			child.reply("0", null, "start failed: " + ex);
			System.exit(1);
		}
		child.serve();
	}

	private void start() throws Exception {
		Path directory = Path.of(this.options.getOrDefault("dir", "."));
		if ("relay".equals(this.system) && "relay".equals(this.role)) {
			this.relay = RelayServer.start(directory.resolve("relay.sock"));
		}
		else {
			this.node = switch (this.system) {
				case "globalval" -> new GlobalValBenchNode(directory, "master".equals(this.role),
						this.role + "-" + this.wid);
				case "globalval-redis" -> new GlobalValBenchNode(directory, false, this.role + "-" + this.wid,
						this.options.get("redis"));
				case "redisson" -> new RedissonBenchNode(this.options.get("redis"));
				case "relay" -> new RelayBenchNode(directory.resolve("relay.sock"));
				case "hazelcast" -> new HazelcastBenchNode(this.options.get("cluster"),
						Integer.parseInt(this.options.get("port")), Integer.parseInt(this.options.get("ports")));
				default -> throw new IllegalArgumentException("Unknown system " + this.system);
			};
			if (!Boolean.parseBoolean(this.options.getOrDefault("deferred", "false"))) {
				this.node.start();
			}
		}
		Map<String, Object> hello = new LinkedHashMap<>();
		hello.put("pid", ProcessHandle.current().pid());
		hello.put("t", System.nanoTime());
		reply("0", hello, null);
	}

	private void serve() {
		try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				String[] parts = line.trim().split(" ");
				if (parts.length < 2) {
					continue;
				}
				String id = parts[0];
				String verb = parts[1];
				String[] args = java.util.Arrays.copyOfRange(parts, 2, parts.length);
				this.commands.execute(() -> {
					try {
						reply(id, handle(verb, args), null);
					}
					catch (Throwable ex) {
						ex.printStackTrace(System.err);
						reply(id, null, verb + " failed: " + ex);
					}
				});
			}
		}
		catch (Exception ex) {
			ex.printStackTrace(System.err);
		}
		exit();
	}

	private void exit() {
		Thread halt = new Thread(() -> {
			LockSupport.parkNanos(10 * SECOND_NANOS);
			Runtime.getRuntime().halt(2);
		});
		halt.setDaemon(true);
		halt.start();
		try {
			if (this.node != null) {
				this.node.close();
			}
			if (this.relay != null) {
				this.relay.close();
			}
		}
		finally {
			System.exit(0);
		}
	}

	private void reply(String id, Object result, String error) {
		String text;
		if (error != null) {
			text = "@" + id + " !" + error.replace('\n', ' ');
		}
		else {
			text = "@" + id + " " + this.mapper.writeValueAsString((result != null) ? result : Map.of());
		}
		synchronized (this.out) {
			this.out.println(text);
			this.out.flush();
		}
	}

	private Object handle(String verb, String[] a) throws Exception {
		switch (verb) {
			case "preload":
				return preload(Integer.parseInt(a[0]), Integer.parseInt(a[1]));
			case "awaitSize":
				return awaitSize(Integer.parseInt(a[0]), Long.parseLong(a[1]));
			case "warm":
				return warm(Integer.parseInt(a[0]), Long.parseLong(a[1]));
			case "Larm":
				Recorders.Latency recorder = new Recorders.Latency(a[0], Integer.parseInt(a[1]));
				this.latency = recorder;
				this.node.probe(recorder);
				this.node.appliedProbe(recorder::applied);
				return Map.of();
			case "Lsend":
				return latencySend(a[0], Integer.parseInt(a[1]), Long.parseLong(a[2]), Long.parseLong(a[3]));
			case "Lresult":
				return latencyResult(Long.parseLong(a[0]));
			case "Tarm":
				return throughputArm(a[0], (a.length > 1) ? Long.parseLong(a[1]) : -1, (a.length > 2) ? Long.parseLong(a[2]) : -1);
			case "Tgo":
				return throughputGo(Long.parseLong(a[0]), Long.parseLong(a[1]));
			case "Tresult":
				return throughputResult(Long.parseLong(a[0]));
			case "Cgo":
				return convergenceGo(Integer.parseInt(a[0]), Integer.parseInt(a[1]), Long.parseLong(a[2]),
						Long.parseLong(a[3]));
			case "dump":
				return this.node.dump();
			case "cpu":
				return Map.of("cpu_ns", cpuNanos(), "ctx_switches", contextSwitches(), "sys_ticks", systemTicks());
			case "bytes":
				return Map.of("bytes", (this.relay != null) ? this.relay.bytesSent() : this.node.bytesSent());
			case "revision":
				return Map.of("revision", this.node.revision());
			case "await":
				this.node.awaitRevision(Long.parseLong(a[0]), Long.parseLong(a[1]));
				return Map.of("revision", this.node.revision());
			case "setOne":
				return setOne(a[0], Long.parseLong(a[1]), Long.parseLong(a[2]));
			case "awaitValue":
				return awaitValue(a[0], Long.parseLong(a[1]), Long.parseLong(a[2]));
			case "join":
				return join(Integer.parseInt(a[0]), Long.parseLong(a[1]));
			case "preloadCache":
				((RedissonBenchNode) this.node).preloadCache();
				return Map.of("size", this.node.size());
			case "members":
				return awaitMembers(Integer.parseInt(a[0]), Long.parseLong(a[1]));
			case "clients":
				return awaitClients(Integer.parseInt(a[0]), Long.parseLong(a[1]));
			case "exit":
				Thread exiter = new Thread(() -> {
					LockSupport.parkNanos(SECOND_NANOS / 10);
					exit();
				});
				exiter.start();
				return Map.of();
			default:
				throw new IllegalArgumentException("Unknown command " + verb);
		}
	}

	/** CPU time this process has used so far, all threads, user and system. */
	private static long cpuNanos() {
		java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
		return (os instanceof com.sun.management.OperatingSystemMXBean)
				? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
	}

	/**
	 * Context switches of this process so far: the sum, over its live threads, of the
	 * voluntary and involuntary switches in /proc/self/task/N/status (0 where there is no
	 * /proc). A thread hand-off costs at least one.
	 */
	private static long contextSwitches() {
		long total = 0;
		try (java.util.stream.Stream<Path> tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				try {
					for (String line : java.nio.file.Files.readAllLines(task.resolve("status"))) {
						if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
							total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
					}
				}
				catch (java.io.IOException ex) {
					// the thread ended meanwhile
				}
			}
		}
		catch (java.io.IOException ex) {
			return 0;
		}
		return total;
	}

	/** Kernel-mode CPU time of this process so far, in clock ticks (/proc/self/stat field 15; -1 elsewhere). */
	private static long systemTicks() {
		try {
			String stat = java.nio.file.Files.readString(Path.of("/proc/self/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields[0] is field 3 (state), so stime (field 15) is fields[12]
			return Long.parseLong(fields[12]);
		}
		catch (java.io.IOException | RuntimeException ex) {
			return -1;
		}
	}

	private Object preload(int from, int to) throws Exception {
		long t0 = System.nanoTime();
		if (this.node instanceof RelayBenchNode) {
			for (int i = from; i < to; i++) {
				((RelayBenchNode) this.node).putLocal("k" + i, Values.val(-1, i, 0));
			}
		}
		else if (this.node instanceof RedissonBenchNode) {
			putAllInBatches(from, to, ((RedissonBenchNode) this.node)::putAll);
		}
		else if (this.node instanceof HazelcastBenchNode) {
			putAllInBatches(from, to, ((HazelcastBenchNode) this.node)::putAll);
		}
		else {
			List<CompletableFuture<?>> futures = new ArrayList<>(to - from);
			for (int i = from; i < to; i++) {
				futures.add(this.node.set("k" + i, Values.val(-1, i, 0)));
			}
			CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
		}
		return Map.of("size", this.node.size(), "ms", (System.nanoTime() - t0) / 1e6);
	}

	/** Preload keys {@code k<from>..k<to - 1>} through a system's bulk put, 1,000 at a time. */
	private static void putAllInBatches(int from, int to, java.util.function.Consumer<Map<String, String>> putAll) {
		Map<String, String> batch = new HashMap<>();
		for (int i = from; i < to; i++) {
			batch.put("k" + i, Values.json(Values.val(-1, i, 0)));
			if (batch.size() == 1000 || i == to - 1) {
				putAll.accept(batch);
				batch.clear();
			}
		}
	}

	private Object awaitSize(int size, long timeoutMillis) throws TimeoutException {
		long t0 = System.nanoTime();
		long until = t0 + timeoutMillis * 1_000_000;
		while (this.node.size() < size) {
			if (System.nanoTime() - until > 0) {
				throw new TimeoutException("size " + this.node.size() + " < " + size + " after " + timeoutMillis + " ms");
			}
			LockSupport.parkNanos(1_000_000);
		}
		return Map.of("size", this.node.size(), "ms", (System.nanoTime() - t0) / 1e6);
	}

	private Object warm(int sets, long maxMillis) throws Exception {
		long t0 = System.nanoTime();
		long until = t0 + maxMillis * 1_000_000;
		List<CompletableFuture<?>> futures = new ArrayList<>(sets);
		int done = 0;
		for (; done < sets && System.nanoTime() - until < 0; done++) {
			futures.add(this.node.set("warm", Values.val(this.wid, done, System.nanoTime())));
			if ((done & 1023) == 1023) {
				// bounded backlog, so that a slow system's warm-up ends near maxMillis
				futures.get(futures.size() - 1).get(maxMillis, TimeUnit.MILLISECONDS);
			}
		}
		CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(maxMillis + 30_000, TimeUnit.MILLISECONDS);
		// one last set after all the others completed, so that it is the key's final value on every system: a
		// system may run one thread's asynchronous writes out of order (Redisson's pooled connections do)
		this.node.set("warm", Values.val(this.wid, done, System.nanoTime())).get(30, TimeUnit.SECONDS);
		done++;
		return Map.of("sets", done, "ms", (System.nanoTime() - t0) / 1e6);
	}

	private Object latencySend(String key, int sets, long intervalNanos, long deadline) throws Exception {
		List<CompletableFuture<?>> futures = new ArrayList<>(sets);
		long start = System.nanoTime() + 5_000_000;
		long first = 0;
		long last = 0;
		int sent = 0;
		for (int i = 0; i < sets; i++) {
			long target = start + i * intervalNanos;
			long wait;
			while ((wait = target - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			long t = System.nanoTime();
			if (t - deadline > 0) {
				break;
			}
			futures.add(this.node.set(key, Values.val(this.wid, i, t)));
			if (i == 0) {
				first = t;
			}
			last = t;
			sent++;
		}
		int failed = failures(futures, 30_000);
		Map<String, Object> result = new HashMap<>();
		result.put("sent", sent);
		result.put("tFirst", first);
		result.put("tLast", last);
		result.put("failed", failed);
		return result;
	}

	private int failures(List<CompletableFuture<?>> futures, long timeoutMillis) {
		try {
			CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			// counted below
		}
		int failed = 0;
		for (CompletableFuture<?> future : futures) {
			if (!future.isDone()) {
				failed++;
				this.failureExample = "not completed within " + timeoutMillis + " ms";
			}
			else if (future.isCompletedExceptionally()) {
				failed++;
				this.failureExample = future.handle((value, ex) -> String.valueOf(ex)).join();
			}
		}
		return failed;
	}

	private Object latencyResult(long timeoutMillis) throws InterruptedException {
		Recorders.Latency recorder = this.latency;
		recorder.complete.await(timeoutMillis, TimeUnit.MILLISECONDS);
		this.node.probe(Probe.NONE);
		this.node.appliedProbe(null);
		return recorder.result();
	}

	/**
	 * Arm workload T: {@code spec} lists {@code w:lo:hi} per writer; a writer also gets its
	 * own range to precompute its values.
	 */
	private Object throughputArm(String spec, long lo, long hi) {
		Map<Long, long[]> ranges = new HashMap<>();
		for (String part : spec.split(",")) {
			String[] f = part.split(":");
			ranges.put(Long.parseLong(f[0]), new long[] { Long.parseLong(f[1]), Long.parseLong(f[2]) });
		}
		List<Values.Val> values = new ArrayList<>();
		for (long i = lo; i < hi; i++) {
			values.add(Values.val(this.wid, i, 0));
		}
		this.throughputValues = values;
		this.throughput = new Recorders.Throughput(ranges);
		this.node.probe(this.throughput);
		return Map.of("values", values.size());
	}

	private Object throughputGo(long startAt, long deadline) {
		List<Values.Val> values = this.throughputValues;
		String[] keys = new String[1000];
		for (int i = 0; i < keys.length; i++) {
			keys[i] = "k" + i;
		}
		Outcomes outcomes = new Outcomes();
		this.throughputOutcomes = outcomes;
		long wait;
		while ((wait = startAt - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
		}
		long t0 = System.nanoTime();
		int n = 0;
		for (Values.Val value : values) {
			if ((n & 255) == 255 && System.nanoTime() - deadline > 0) {
				break;
			}
			outcomes.track(this.node.set(keys[(int) (value.s() % 1000)], value));
			n++;
		}
		long t1 = System.nanoTime();
		Map<String, Object> result = new HashMap<>();
		result.put("t0", t0);
		result.put("t1", t1);
		result.put("n", n);
		return result;
	}

	private Object throughputResult(long deadline) throws InterruptedException {
		Recorders.Throughput recorder = this.throughput;
		long wait = Math.max(0, deadline - System.nanoTime());
		recorder.complete.await(wait, TimeUnit.NANOSECONDS);
		this.node.probe(Probe.NONE);
		Map<String, Object> result = recorder.result();
		Outcomes outcomes = this.throughputOutcomes;
		// a write acknowledged after every process saw it is late, not failed (Redisson acknowledges late)
		result.put("failed", outcomes.failures(OUTCOME_WAIT_MILLIS));
		result.put("failure", outcomes.failureExample());
		this.throughputOutcomes = new Outcomes();
		this.throughputValues = List.of();
		return result;
	}

	private Object convergenceGo(int sets, int increments, long startAt, long deadline) {
		long wait;
		while ((wait = startAt - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
		}
		List<CompletableFuture<?>> futures = new ArrayList<>(sets + increments);
		int setsPerIncrement = Math.max(1, sets / Math.max(1, increments));
		long t0 = System.nanoTime();
		int done = 0;
		int incremented = 0;
		for (int i = 0; i < sets; i++) {
			if ((i & 255) == 255 && System.nanoTime() - deadline > 0) {
				break;
			}
			futures.add(this.node.set("c" + (i % 10), Values.randomVal(this.wid, i, System.nanoTime())));
			done++;
			if (i % setsPerIncrement == setsPerIncrement - 1 && incremented < increments) {
				futures.add(this.node.increment("counter"));
				incremented++;
			}
		}
		while (incremented < increments && System.nanoTime() - deadline < 0) {
			futures.add(this.node.increment("counter"));
			incremented++;
		}
		long t1 = System.nanoTime();
		int failed = failures(futures, Math.max(1000, (deadline - System.nanoTime()) / 1_000_000));
		Map<String, Object> result = new HashMap<>();
		result.put("t0", t0);
		result.put("t1", t1);
		result.put("tDone", System.nanoTime());
		result.put("sets", done);
		result.put("increments", incremented);
		result.put("failed", failed);
		return result;
	}

	private Object setOne(String key, long w, long s) throws Exception {
		long t = System.nanoTime();
		this.node.set(key, Values.val((int) w, s, t)).get(10, TimeUnit.SECONDS);
		return Map.of("t", t);
	}

	private Object awaitValue(String key, long s, long timeoutMillis) throws TimeoutException {
		long t0 = System.nanoTime();
		long until = t0 + timeoutMillis * 1_000_000;
		while (true) {
			String value = this.node.get(key);
			if (value != null && Values.field(value, 's') == s) {
				return Map.of("ms", (System.nanoTime() - t0) / 1e6);
			}
			if (System.nanoTime() - until > 0) {
				throw new TimeoutException(key + " did not reach s=" + s + " within " + timeoutMillis + " ms");
			}
			LockSupport.parkNanos(200_000);
		}
	}

	private Object join(int keys, long timeoutMillis) throws Exception {
		long t0 = System.nanoTime();
		this.node.start();
		long started = System.nanoTime();
		long until = t0 + timeoutMillis * 1_000_000;
		while (this.node.size() < keys) {
			if (System.nanoTime() - until > 0) {
				throw new TimeoutException("joined with " + this.node.size() + " of " + keys + " keys after "
						+ timeoutMillis + " ms");
			}
			LockSupport.parkNanos(100_000);
		}
		long t1 = System.nanoTime();
		Map<String, Object> result = new HashMap<>();
		result.put("join_ms", (t1 - t0) / 1e6);
		result.put("start_returned_ms", (started - t0) / 1e6);
		result.put("size", this.node.size());
		return result;
	}

	private Object awaitMembers(int members, long timeoutMillis) throws TimeoutException {
		HazelcastBenchNode member = (HazelcastBenchNode) this.node;
		long until = System.nanoTime() + timeoutMillis * 1_000_000;
		while (member.members() < members) {
			if (System.nanoTime() - until > 0) {
				throw new TimeoutException(member.members() + " of " + members + " members after " + timeoutMillis + " ms");
			}
			LockSupport.parkNanos(10_000_000);
		}
		return Map.of("members", member.members());
	}

	private Object awaitClients(int clients, long timeoutMillis) throws TimeoutException {
		long until = System.nanoTime() + timeoutMillis * 1_000_000;
		while (this.relay.clients() < clients) {
			if (System.nanoTime() - until > 0) {
				throw new TimeoutException(this.relay.clients() + " of " + clients + " workers after " + timeoutMillis + " ms");
			}
			LockSupport.parkNanos(1_000_000);
		}
		return Map.of("clients", this.relay.clients());
	}

}
