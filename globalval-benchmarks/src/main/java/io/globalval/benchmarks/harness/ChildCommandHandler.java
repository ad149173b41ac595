package io.globalval.benchmarks.harness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import io.globalval.benchmarks.relay.RelayServer;

/**
 * How a {@link ChildMain} process runs the harness's commands on its node of a system (or
 * on the relay), and what it keeps between the commands that arm a workload's probe and
 * those that read it. Every wait is bounded.
 */
final class ChildCommandHandler implements ChildCommand.Handler {

	private static final long SECOND_NANOS = 1_000_000_000L;

	/** How long T waits, once every process saw every update, for the writes' acknowledgements. */
	private static final long OUTCOME_WAIT_MILLIS = 30_000;

	private final BenchNode node;

	private final RelayServer relay;

	private final int wid;

	private final Runnable exit;

	private volatile Recorders.Latency latency;

	private volatile Recorders.Throughput throughput;

	private volatile List<Values.Val> throughputValues = List.of();

	private volatile Outcomes throughputOutcomes = new Outcomes();

	/** How the last failed write of a workload failed, for the JSON line. */
	private volatile String failureExample;

	/**
	 * Create a handler.
	 * @param node the node of the system under test, or null in the relay itself
	 * @param relay the relay, or null outside it
	 * @param wid this process's writer id
	 * @param exit what makes the process exit
	 */
	ChildCommandHandler(BenchNode node, RelayServer relay, int wid, Runnable exit) {
		this.node = node;
		this.relay = relay;
		this.wid = wid;
		this.exit = exit;
	}

	@Override
	public Object preload(ChildCommand.Preload command) throws Exception {
		int from = command.from();
		int to = command.to();
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
	private static void putAllInBatches(int from, int to, Consumer<Map<String, String>> putAll) {
		Map<String, String> batch = new HashMap<>();
		for (int i = from; i < to; i++) {
			batch.put("k" + i, Values.json(Values.val(-1, i, 0)));
			if (batch.size() == 1000 || i == to - 1) {
				putAll.accept(batch);
				batch.clear();
			}
		}
	}

	@Override
	public Object awaitSize(ChildCommand.AwaitSize command) throws TimeoutException {
		int size = command.size();
		long timeoutMillis = command.timeoutMillis();
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

	@Override
	public Object warm(ChildCommand.Warm command) throws Exception {
		int sets = command.sets();
		long maxMillis = command.maxMillis();
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

	@Override
	public Object latencyArm(ChildCommand.LatencyArm command) {
		Recorders.Latency recorder = new Recorders.Latency(command.key(), command.sets());
		this.latency = recorder;
		this.node.probe(recorder);
		this.node.appliedProbe(recorder::applied);
		return Map.of();
	}

	@Override
	public Object latencySend(ChildCommand.LatencySend command) {
		String key = command.key();
		int sets = command.sets();
		List<CompletableFuture<?>> futures = new ArrayList<>(sets);
		long start = System.nanoTime() + 5_000_000;
		long first = 0;
		long last = 0;
		int sent = 0;
		for (int i = 0; i < sets; i++) {
			long target = start + i * command.intervalNanos();
			long wait;
			while ((wait = target - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			long t = System.nanoTime();
			if (t - command.deadline() > 0) {
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

	@Override
	public Object latencyResult(ChildCommand.LatencyResult command) throws InterruptedException {
		Recorders.Latency recorder = this.latency;
		recorder.complete.await(command.timeoutMillis(), TimeUnit.MILLISECONDS);
		this.node.probe(Probe.NONE);
		this.node.appliedProbe(null);
		return recorder.result();
	}

	@Override
	public Object throughputArm(ChildCommand.ThroughputArm command) {
		Map<Long, long[]> ranges = new HashMap<>();
		for (String part : command.spec().split(",")) {
			String[] f = part.split(":");
			ranges.put(Long.parseLong(f[0]), new long[] { Long.parseLong(f[1]), Long.parseLong(f[2]) });
		}
		List<Values.Val> values = new ArrayList<>();
		for (long i = command.lo(); i < command.hi(); i++) {
			values.add(Values.val(this.wid, i, 0));
		}
		this.throughputValues = values;
		this.throughput = new Recorders.Throughput(ranges);
		this.node.probe(this.throughput);
		return Map.of("values", values.size());
	}

	@Override
	public Object throughputGo(ChildCommand.ThroughputGo command) {
		List<Values.Val> values = this.throughputValues;
		String[] keys = new String[1000];
		for (int i = 0; i < keys.length; i++) {
			keys[i] = "k" + i;
		}
		Outcomes outcomes = new Outcomes();
		this.throughputOutcomes = outcomes;
		long wait;
		while ((wait = command.startAt() - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
		}
		long deadline = command.deadline();
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

	@Override
	public Object throughputResult(ChildCommand.ThroughputResult command) throws InterruptedException {
		Recorders.Throughput recorder = this.throughput;
		long wait = Math.max(0, command.deadline() - System.nanoTime());
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

	@Override
	public Object convergenceGo(ChildCommand.ConvergenceGo command) {
		int sets = command.sets();
		int increments = command.increments();
		long deadline = command.deadline();
		long wait;
		while ((wait = command.startAt() - System.nanoTime()) > 0) {
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

	@Override
	public Object dump(ChildCommand.Dump command) {
		return this.node.dump();
	}

	@Override
	public Object cpu(ChildCommand.Cpu command) {
		return Map.of("cpu_ns", ProcessStats.cpuNanos(), "ctx_switches", ProcessStats.contextSwitches(), "sys_ticks",
				ProcessStats.systemTicks());
	}

	@Override
	public Object bytes(ChildCommand.Bytes command) {
		return Map.of("bytes", (this.relay != null) ? this.relay.bytesSent() : this.node.bytesSent());
	}

	@Override
	public Object revision(ChildCommand.Revision command) {
		return Map.of("revision", this.node.revision());
	}

	@Override
	public Object awaitRevision(ChildCommand.AwaitRevision command) throws Exception {
		this.node.awaitRevision(command.revision(), command.timeoutMillis());
		return Map.of("revision", this.node.revision());
	}

	@Override
	public Object setOne(ChildCommand.SetOne command) throws Exception {
		long t = System.nanoTime();
		this.node.set(command.key(), Values.val((int) command.w(), command.s(), t)).get(10, TimeUnit.SECONDS);
		return Map.of("t", t);
	}

	@Override
	public Object awaitValue(ChildCommand.AwaitValue command) throws TimeoutException {
		String key = command.key();
		long s = command.s();
		long timeoutMillis = command.timeoutMillis();
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

	@Override
	public Object join(ChildCommand.Join command) throws Exception {
		int keys = command.keys();
		long timeoutMillis = command.timeoutMillis();
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

	@Override
	public Object preloadCache(ChildCommand.PreloadCache command) {
		((RedissonBenchNode) this.node).preloadCache();
		return Map.of("size", this.node.size());
	}

	@Override
	public Object awaitMembers(ChildCommand.AwaitMembers command) throws TimeoutException {
		HazelcastBenchNode member = (HazelcastBenchNode) this.node;
		int members = command.members();
		long timeoutMillis = command.timeoutMillis();
		long until = System.nanoTime() + timeoutMillis * 1_000_000;
		while (member.members() < members) {
			if (System.nanoTime() - until > 0) {
				throw new TimeoutException(member.members() + " of " + members + " members after " + timeoutMillis + " ms");
			}
			LockSupport.parkNanos(10_000_000);
		}
		return Map.of("members", member.members());
	}

	@Override
	public Object awaitClients(ChildCommand.AwaitClients command) throws TimeoutException {
		int clients = command.clients();
		long timeoutMillis = command.timeoutMillis();
		long until = System.nanoTime() + timeoutMillis * 1_000_000;
		while (this.relay.clients() < clients) {
			if (System.nanoTime() - until > 0) {
				throw new TimeoutException(this.relay.clients() + " of " + clients + " workers after " + timeoutMillis + " ms");
			}
			LockSupport.parkNanos(1_000_000);
		}
		return Map.of("clients", this.relay.clients());
	}

	@Override
	public Object exit(ChildCommand.Exit command) {
		Thread exiter = new Thread(() -> {
			LockSupport.parkNanos(SECOND_NANOS / 10);
			this.exit.run();
		});
		exiter.start();
		return Map.of();
	}

}
