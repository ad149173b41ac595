package io.globalval.testsupport;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.lettuce.core.RedisURI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValNodes;
import io.globalval.GlobalValRejectedException;
import io.globalval.GlobalValTimeoutException;
import io.globalval.Role;
import io.globalval.core.ChangeEvent;
import io.globalval.core.ChangeListener;
import io.globalval.core.DiscardedChanges;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.Persistence;
import io.globalval.core.ReplicaEntry;
import io.globalval.core.RolePreference;
import io.globalval.transport.redis.RedisSequencer;
import io.globalval.transport.redis.RedisTransportSettings;
import tools.jackson.databind.json.JsonMapper;

/**
 * A globalval node in its own JVM that records a history for the
 * {@link io.globalval.history.HistoryChecker}: it answers the commands of
 * {@link NodeProcessMain} and two of its own, and appends every operation of its client
 * and every change and snapshot it applies to a history file as it goes (an invocation
 * before the write is made, the rest flushed whenever there is nothing more to write), so
 * that the file of a killed process holds every write it made and what else it did up to
 * shortly before its death.
 * <ul>
 * <li>{@code clients <millis> <seed> <in flight>}: random set / delete / compareAndSet /
 * increment / get on a few keys for that long, at most that many writes in flight, as long
 * as this node is not the master; then waits (bounded) for the writes still in flight and
 * answers {@code <operations> <ok> <failed> <unknown>};</li>
 * <li>{@code workload <seed> <in flight> <per second>}: the same client on every role, the
 * master's included, until {@code stop-workload}; then waits as {@code clients} does and
 * answers the same;</li>
 * <li>{@code stop-workload}: ends the {@code workload}; {@code inflight}: the client's
 * writes in flight now; {@code okinvoked}: the latest invocation time
 * ({@link System#nanoTime()}) of a write that completed successfully, 0 if none;
 * {@code cut}: closes this node's connections (a worker's to its master, a master's to its
 * workers) and answers how many;</li>
 * <li>{@code final}: once the history file has every change this node applied, appends
 * the node's map and revision and answers the revision.</li>
 * </ul>
 * Arguments: {@code <directory> <role> <name> <history file> <write timeout millis>
 * [<persistence directory> <fsync>]}. The node runs on the Unix-socket transport through a
 * {@link CuttableTransport}; with role {@code PEER} it is a peer of the Redis server whose
 * URI is given as the directory (a {@code redis-sentinel://} URI too, or
 * {@code redis-cluster:<host:port>,...} for a Redis Cluster), and whose sixth
 * argument, if any, is its {@code replicas-to-ack} ({@code cut} then cuts nothing: Redis's
 * {@code CLIENT KILL} does).
 * <p>
 * Write ids are the node's id and its sequence number, which the node increments on
 * every write call: one thread issues all writes, so its own count is that number.
 */
public final class HistoryNodeProcessMain {

	private static final Logger logger = LoggerFactory.getLogger(HistoryNodeProcessMain.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final String[] KEYS = { "a", "b", "c", "d" };

	private static final String COUNTER = "counter";

	private static final long DRAIN_TIMEOUT_SECONDS = 60;

	private final GlobalValNode node;

	private final String name;

	private final HistoryWriter writer;

	private final Recorder recorder;

	private final CuttableTransport transport;

	private volatile boolean workloadStopped;

	private volatile Semaphore writesInFlight;

	private volatile int maxWritesInFlight;

	private final AtomicLong latestOkInvoke = new AtomicLong();

	private HistoryNodeProcessMain(GlobalValNode node, String name, HistoryWriter writer, Recorder recorder,
			CuttableTransport transport) {
		this.node = node;
		this.name = name;
		this.writer = writer;
		this.recorder = recorder;
		this.transport = transport;
	}

	public static void main(String[] args) throws Exception {
		// role PEER: a peer of the Redis server whose URI stands where the directory does
		boolean redis = "PEER".equals(args[1]);
		NodeSettings.Builder settings = NodeSettings.builder()
			.name("history")
			.pingInterval(Duration.ofHours(1))
			.writeTimeout(Duration.ofMillis(Long.parseLong(args[4])));
		if (!redis) {
			settings.directory(Path.of(args[0])).role(RolePreference.valueOf(args[1]));
		}
		if (!redis && args.length > 6) {
			settings.persistence(Persistence.in(Path.of(args[5]), Persistence.Fsync.valueOf(args[6])));
		}
		String name = args[2];
		HistoryWriter writer = new HistoryWriter(Path.of(args[3]));
		Recorder recorder = new Recorder(writer);
		CuttableTransport transport = redis ? null : new CuttableTransport();
		GlobalValNodes.Builder builder = GlobalValNodes.builder(settings.build()).listener(recorder);
		// a peer's sixth argument: globalval.redis.replicas-to-ack
		int replicasToAck = (redis && args.length > 5) ? Integer.parseInt(args[5]) : 0;
		RedisTransportSettings redisSettings = RedisTransportSettings.builder()
			.blockTimeout(Duration.ofMillis(200))
			.replicasToAck(replicasToAck)
			.build();
		GlobalValNode node = (redis ? builder.sequencer(redisSequencer(args[0], redisSettings))
				: builder.transport(transport)).start();
		writer.write(HistoryLine.node(name, node.nodeId()));
		HistoryNodeProcessMain main = new HistoryNodeProcessMain(node, name, writer, recorder, transport);
		NodeProcessMain.serve(node, (command, rest) -> switch (command) {
			case "clients" -> {
				String[] words = rest.split(" ");
				long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(words[0]));
				// the master runs no client here: FailoverHistoryTests predates the master's own
				// writes being acknowledged only once a worker has them
				yield main.clients(() -> System.nanoTime() - until < 0 && node.role() != Role.MASTER,
						Long.parseLong(words[1]), Integer.parseInt(words[2]), Integer.parseInt(words[3]));
			}
			case "workload" -> {
				String[] words = rest.split(" ");
				yield main.clients(() -> !main.workloadStopped, Long.parseLong(words[0]), Integer.parseInt(words[1]),
						Integer.parseInt(words[2]));
			}
			case "stop-workload" -> {
				main.workloadStopped = true;
				yield "stopped";
			}
			case "inflight" -> {
				Semaphore inFlight = main.writesInFlight;
				yield String.valueOf((inFlight != null) ? main.maxWritesInFlight - inFlight.availablePermits() : 0);
			}
			case "okinvoked" -> String.valueOf(main.latestOkInvoke.get());
			case "cut" -> String.valueOf((transport != null) ? transport.cut() : 0);
			case "final" -> main.finalState();
			default -> null;
		});
	}

	/** A Redis sequencer: {@code redis-cluster:host:port,host:port,...} for a Cluster, else a Redis URI. */
	private static RedisSequencer redisSequencer(String address, RedisTransportSettings settings) {
		String cluster = "redis-cluster:";
		if (address.startsWith(cluster)) {
			List<RedisURI> seeds = new ArrayList<>();
			for (String node : address.substring(cluster.length()).split(",")) {
				seeds.add(RedisURI.create("redis://" + node));
			}
			return RedisSequencer.createCluster(seeds, settings);
		}
		return RedisSequencer.create(RedisURI.create(address), settings);
	}

	/**
	 * Run a client for a while.
	 * @param keepGoing whether to go on with another operation
	 * @param seed the seed of its choices
	 * @param maxInFlight asynchronous writes in flight at most
	 * @param perSecond operations a second at most, so that the history stays a few tens of megabytes
	 */
	private String clients(BooleanSupplier keepGoing, long seed, int maxInFlight, int perSecond) throws Exception {
		Random random = new Random(seed);
		long started = System.nanoTime();
		long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
		Semaphore inFlight = new Semaphore(maxInFlight);
		this.maxWritesInFlight = maxInFlight;
		this.writesInFlight = inFlight;
		Counts counts = new Counts();
		long operations = 0;
		long writes = 0;
		long values = 0;
		while (keepGoing.getAsBoolean()) {
			long due = started + operations * intervalNanos;
			if (System.nanoTime() - due < 0) {
				// the pace of a client, not a wait for a condition
				java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
			}
			int dice = random.nextInt(100);
			String key = KEYS[random.nextInt(KEYS.length)];
			long op = ++operations;
			if (dice < 25) {
				read(op, (dice < 5) ? COUNTER : key);
				continue;
			}
			if (!inFlight.tryAcquire(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				throw new IllegalStateException(maxInFlight + " writes of " + this.name + " still in flight after "
						+ DRAIN_TIMEOUT_SECONDS + "s");
			}
			long seq = ++writes;
			String value = "\"" + this.name + "-" + (++values) + "\"";
			long origin = this.node.nodeId();
			CompletableFuture<?> future;
			long invoked = System.nanoTime();
			if (dice < 50) {
				this.writer.writeNow(HistoryLine.invoke(op, "SET", key, value, null, 0, origin, seq, invoked));
				future = call(() -> this.node.set(key, bytes(value)));
			}
			else if (dice < 60) {
				this.writer.writeNow(HistoryLine.invoke(op, "DELETE", key, null, null, 0, origin, seq, System.nanoTime()));
				future = call(() -> this.node.delete(key));
			}
			else if (dice < 75) {
				String expected = (random.nextInt(4) == 0) ? "\"stale\"" : currentValue(key);
				this.writer.writeNow(HistoryLine.invoke(op, "COMPARE_AND_SET", key, value, expected, 0, origin, seq,
						System.nanoTime()));
				future = call(() -> this.node.compareAndSet(key, (expected != null) ? bytes(expected) : null,
						bytes(value)));
			}
			else {
				long delta = 1 + random.nextInt(3);
				this.writer.writeNow(HistoryLine.invoke(op, "INCREMENT", COUNTER, null, null, delta, origin, seq,
						System.nanoTime()));
				future = call(() -> this.node.increment(COUNTER, delta));
			}
			future.whenComplete((result, ex) -> {
				complete(op, result, ex, counts);
				if (ex == null) {
					this.latestOkInvoke.accumulateAndGet(invoked, Math::max);
				}
				inFlight.release();
			});
		}
		if (!inFlight.tryAcquire(maxInFlight, DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			logger.warn("Writes of {} still in flight after {}s; they stay unknown", this.name, DRAIN_TIMEOUT_SECONDS);
		}
		this.writer.sync();
		return operations + " " + counts.ok.get() + " " + counts.failed.get() + " " + counts.unknown.get();
	}

	private void read(long op, String key) {
		long time = System.nanoTime();
		long before = this.node.replica().revision();
		ReplicaEntry entry = this.node.replica().entry(key);
		long after = this.node.replica().revision();
		String value = (entry != null) ? new String(entry.json(), StandardCharsets.UTF_8) : null;
		this.writer.write(HistoryLine.read(op, key, value, time, System.nanoTime(), before, after,
				(entry != null) ? entry.revision() : 0));
	}

	private void complete(long op, Object result, Throwable ex, Counts counts) {
		long time = System.nanoTime();
		if (ex == null) {
			counts.ok.incrementAndGet();
			if (result instanceof Boolean applied) {
				this.writer.write(HistoryLine.ok(op, time, 0, applied, null));
			}
			else if (result instanceof Long number) {
				// a set answers its revision, an increment the counter's new value
				this.writer.write(HistoryLine.ok(op, time, number, true, number));
			}
			else {
				throw new IllegalStateException("Unexpected answer " + result + " to operation " + op);
			}
			return;
		}
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		boolean definite = cause instanceof GlobalValRejectedException
				|| (cause instanceof GlobalValTimeoutException && String.valueOf(cause.getMessage()).contains("was not sent"));
		(definite ? counts.failed : counts.unknown).incrementAndGet();
		this.writer.write(HistoryLine.notOk(definite ? "fail" : "unknown", op, time,
				cause.getClass().getSimpleName() + ": " + cause.getMessage()));
	}

	private static CompletableFuture<?> call(java.util.function.Supplier<CompletableFuture<?>> write) {
		try {
			return write.get();
		}
		catch (RuntimeException ex) {
			// the node counted the write before it could throw: its effect is unknown
			return CompletableFuture.failedFuture(ex);
		}
	}

	private String currentValue(String key) {
		ReplicaEntry entry = this.node.replica().entry(key);
		return (entry != null) ? new String(entry.json(), StandardCharsets.UTF_8) : null;
	}

	private static byte[] bytes(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private String finalState() throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() - deadline < 0) {
			long revision = this.node.replica().revision();
			Map<String, String> map = new TreeMap<>();
			this.node.replica()
				.rawEntries()
				.forEach((key, entry) -> map.put(key, new String(entry.json(), StandardCharsets.UTF_8)));
			if (this.node.replica().revision() == revision && this.recorder.revision() == revision) {
				this.writer.write(HistoryLine.snapshot("final", revision, map));
				this.writer.sync();
				return String.valueOf(revision);
			}
			// the listener is behind the replica, or a change came in meanwhile
			this.node.awaitRevision(revision + 1).completeOnTimeout(revision, 10, TimeUnit.MILLISECONDS).join();
		}
		throw new IllegalStateException("The map of " + this.name + " did not settle within 30s");
	}

	/** Completed operations by outcome. */
	private static final class Counts {

		final AtomicLong ok = new AtomicLong();

		final AtomicLong failed = new AtomicLong();

		final AtomicLong unknown = new AtomicLong();

	}

	/**
	 * Writes every change and snapshot this node applies, in apply order. A snapshot is
	 * recorded from the changes it made to the keys (reported to listeners before it,
	 * except for a worker's first one) rather than from the replica, which may already be
	 * ahead of the snapshot when the listener hears of it. A worker's first snapshot is
	 * read from the replica when the replica is still at it; when writes went on while the
	 * worker joined it is recorded as {@code joined} at its revision without a map (the
	 * group's history has it), and the changes after it rebuild this recorder's map. It also
	 * records each role it is given and the changes it is told were discarded.
	 */
	private static final class Recorder implements ChangeListener {

		private final HistoryWriter writer;

		// event thread only
		private final Map<String, String> map = new HashMap<>();

		private boolean started;

		private volatile long revision;

		private volatile GlobalValNode node;

		Recorder(HistoryWriter writer) {
			this.writer = writer;
		}

		long revision() {
			return this.revision;
		}

		@Override
		public void onStart(GlobalValNode node) {
			this.node = node;
		}

		@Override
		public void onChange(ChangeEvent event) {
			String value = event.isDeleted() ? null : new String(event.json(), StandardCharsets.UTF_8);
			if (value != null) {
				this.map.put(event.key(), value);
			}
			else {
				this.map.remove(event.key());
			}
			if (event.origin() == -1) {
				// a key a snapshot changed; the snapshot itself is recorded whole
				return;
			}
			this.started = true;
			this.writer.write(HistoryLine.change(event.revision(), event.key(), value, event.origin(), event.seq()));
			this.revision = event.revision();
		}

		@Override
		public void onDiscarded(DiscardedChanges discarded) {
			logger.error("Discarded: {}", discarded);
			this.writer.write(HistoryLine.discarded(discarded.keptRevision(), discarded.lastRevision(),
					discarded.toString()));
		}

		@Override
		public void onRole(Role role) {
			this.writer.write(HistoryLine.role(role.name(), System.nanoTime(), this.revision));
		}

		@Override
		public void onConnectionChanged(boolean connected) {
			if (!connected) {
				// in order with the changes: everything the lost master sent has been applied
				this.writer.write(HistoryLine.snapshot("lost", this.revision, null));
			}
		}

		@Override
		public void onSnapshot(long revision, int keys) {
			if (!this.started) {
				// a worker's first snapshot comes without changes: read it from the replica,
				// which is still at the snapshot when nothing is written while nodes join
				this.started = true;
				this.map.clear();
				long now = this.node.replica().revision();
				this.node.replica()
					.rawEntries()
					.forEach((key, entry) -> this.map.put(key, new String(entry.json(), StandardCharsets.UTF_8)));
				if (now != revision || this.node.replica().revision() != revision) {
					// the map is the replica's at a later revision; the changes up to it, which
					// the listener hears next, set each key again to where the map already has
					// it, so this map is right again from the change after that revision
					this.writer.write(HistoryLine.joined(revision));
					this.revision = revision;
					return;
				}
			}
			if (this.map.size() != keys) {
				logger.error("Recorded a snapshot of {} keys at revision {}, but it has {}", this.map.size(), revision,
						keys);
			}
			this.writer.write(HistoryLine.snapshot("snapshot", revision, new TreeMap<>(this.map)));
			this.revision = revision;
		}

	}

	/**
	 * Appends lines to the history file on a thread of its own, flushing whenever it has
	 * written everything queued.
	 */
	private static final class HistoryWriter {

		private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();

		private final BufferedWriter out;

		HistoryWriter(Path file) throws IOException {
			this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
			Thread thread = new Thread(this::run, "history-writer");
			thread.setDaemon(true);
			thread.start();
		}

		void write(HistoryLine line) {
			this.queue.add(json.writeValueAsString(line));
		}

		/**
		 * Write a line into the file now, ahead of what is queued: an invocation is in the
		 * file before the write is made, so that the file of a process killed right after
		 * has every write it made (a change with its write id and no invocation would be a
		 * phantom write). A killed process loses what its JVM had not handed to the
		 * operating system, not what it had.
		 */
		void writeNow(HistoryLine line) {
			String text = json.writeValueAsString(line) + "\n";
			try {
				// BufferedWriter locks itself in write and flush, so lines never interleave
				synchronized (this.out) {
					this.out.write(text);
					this.out.flush();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/** Wait (bounded) until everything written so far is in the file. */
		void sync() throws InterruptedException {
			CountDownLatch flushed = new CountDownLatch(1);
			this.queue.add(flushed);
			if (!flushed.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The history file was not flushed within 30s");
			}
		}

		private void run() {
			try {
				while (true) {
					Object item = this.queue.take();
					do {
						if (item instanceof String line) {
							// one call, so that a line written now never lands inside it
							this.out.write(line + "\n");
						}
						else {
							this.out.flush();
							((CountDownLatch) item).countDown();
						}
						item = this.queue.poll();
					}
					while (item != null);
					this.out.flush();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
