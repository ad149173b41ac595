package io.globalval.transport.uds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.globalval.core.Persistence;
import io.globalval.history.Anomaly;
import io.globalval.history.Change;
import io.globalval.history.History;
import io.globalval.history.HistoryChecker;
import io.globalval.history.LogEntry;
import io.globalval.history.NodeLog;
import io.globalval.history.Operation;
import io.globalval.history.Outcome;
import io.globalval.history.Snapshot;
import io.globalval.testsupport.HistoryFiles;
import io.globalval.testsupport.HistoryFiles.ProcessHistory;
import io.globalval.testsupport.HistoryNodeProcessMain;
import io.globalval.testsupport.NodeProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Seeded histories of real JVMs on a real Unix socket, each judged by the
 * {@link HistoryChecker}. A run starts four processes with role {@code auto} (the first
 * becomes master), runs a client on every one of them, the master's included (set,
 * delete, compare-and-set, increment, reads), and injects the faults its seed plans:
 * <ul>
 * <li>the master is killed with SIGKILL twice; at one of the two kills (the seed picks
 * which) the worker furthest ahead (highest revision) or the busiest writer (most writes in
 * flight), as the seed picks, is stopped with SIGSTOP at the same instant and resumed with
 * SIGCONT 300 ms to 3 s later (below {@code failover.max-wait}, so the new master must
 * wait for it);</li>
 * <li>a worker is killed and started again as a new process, which joins (while the next
 * faults go on) and runs a client of its own;</li>
 * <li>one to three connections are cut: a process closes its sockets from the inside (a
 * worker its connection to the master, a master those to its workers) and the workers
 * reconnect;</li>
 * <li>persistence is on (fsync {@code always} or {@code every-second}, in the run's
 * temporary directory) or off.</li>
 * </ul>
 * After the workload the live processes must converge to the same revision and map, the
 * history must have no anomaly, and no process may have been told that changes it applied
 * were discarded (every pause is shorter than {@code failover.max-wait}). Each run prints
 * one line (operations, faults, takeover times, anomalies) and the class prints a total.
 * A takeover time runs from a master's SIGKILL to the completion of the first successful
 * write that any client invoked after it: the time until a new master takes writes again.
 * <p>
 * Faults are spaced at least {@value #FAULT_GAP_MILLIS} ms apart, and the next fault waits
 * until the last takeover is over, so that the group faces one failure at a time: losing
 * a write that only a killed process and a process killed just after it had is a double
 * failure no guarantee covers.
 * <p>
 * A run repeats its seed's choices (not its timing). The build runs 20 seeds of 6 s of
 * workload; more, longer, or one seed again, with system properties:
 * <pre>
 * ./mvnw -pl globalval-core test -Dtest=SeededHistoryTests -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dglobalval.histories.runs=200 -Dglobalval.histories.seconds=30 -Dglobalval.histories.seed=1
 * </pre>
 * {@code globalval.histories.seed} is the first seed (runs take the seeds that follow it),
 * {@code globalval.histories.rate} the operations a second of each client (default 1000).
 * A failing run's files (every history file and the processes' logs) are copied to
 * {@code target/seeded-histories/seed-<seed>}.
 */
class SeededHistoryTests {

	private static final int RUNS = Integer.getInteger("globalval.histories.runs", 20);

	private static final long FIRST_SEED = Long.getLong("globalval.histories.seed", 1);

	private static final long WORKLOAD_MILLIS = TimeUnit.SECONDS
		.toMillis(Math.max(4, Long.getLong("globalval.histories.seconds", 6)));

	private static final int OPERATIONS_PER_SECOND = Integer.getInteger("globalval.histories.rate", 1000);

	private static final int PROCESSES = 4;

	private static final int WRITES_IN_FLIGHT = 32;

	private static final long WRITE_TIMEOUT_MILLIS = 10_000;

	private static final int MIN_PAUSE_MILLIS = 300;

	private static final int MAX_PAUSE_MILLIS = 3000;

	private static final long FAULT_GAP_MILLIS = 500;

	/** Workload after the last fault's takeover, so that the group is seen working again. */
	private static final long SETTLE_MILLIS = 1000;

	private static final Duration AT_MOST = Duration.ofSeconds(60);

	private static final Duration POLL = Duration.ofMillis(10);

	private static final List<RunSummary> summaries = new CopyOnWriteArrayList<>();

	@TempDir
	Path directory;

	private final List<Incarnation> incarnations = new CopyOnWriteArrayList<>();

	private final ScheduledExecutorService resumer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "sigcont");
		thread.setDaemon(true);
		return thread;
	});

	/** Starts a restarted process while the faults go on: a JVM takes seconds to start on a busy machine. */
	private final ExecutorService restarter = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "restart");
		thread.setDaemon(true);
		return thread;
	});

	private volatile Future<?> restarting;

	private long started;

	@AfterEach
	void killNodes() throws InterruptedException {
		this.resumer.shutdownNow();
		this.restarter.shutdown();
		// a process being started is killed once it has started (NodeProcess.start waits at most 90 s)
		this.restarter.awaitTermination(2, TimeUnit.MINUTES);
		// SIGKILL ends a stopped process too
		this.incarnations.forEach((incarnation) -> incarnation.node.close());
	}

	@AfterAll
	static void printTotal() {
		List<Long> takeovers = summaries.stream()
			.flatMap((summary) -> summary.takeoverMillis.stream())
			.filter((millis) -> millis >= 0)
			.sorted()
			.toList();
		long median = takeovers.isEmpty() ? -1 : takeovers.get(takeovers.size() / 2);
		long max = takeovers.isEmpty() ? -1 : takeovers.get(takeovers.size() - 1);
		System.out.printf("seeded histories: %d runs, %d operations, %d faults, %d anomalies, %d discards, "
				+ "takeover median %d ms, max %d ms%n", summaries.size(),
				summaries.stream().mapToLong((summary) -> summary.operations).sum(),
				summaries.stream().mapToLong((summary) -> summary.faults).sum(),
				summaries.stream().mapToLong((summary) -> summary.anomalies).sum(),
				summaries.stream().mapToLong((summary) -> summary.discards).sum(), median, max);
	}

	static LongStream seeds() {
		return LongStream.range(FIRST_SEED, FIRST_SEED + RUNS);
	}

	@ParameterizedTest(name = "seed {0}")
	@MethodSource("seeds")
	void aSeededRunOfFaultsKeepsEveryGuarantee(long seed) throws Exception {
		long runStarted = System.nanoTime();
		Random random = new Random(seed);
		Plan plan = Plan.of(random);
		Path group = Files.createDirectories(this.directory.resolve("group"));
		List<String> persistence = (plan.fsync != null)
				? List.of(this.directory.resolve("data").toString(), plan.fsync.name()) : List.of();
		Incarnation first = start("p0", group, persistence);
		assertThat(first.node.role()).isEqualTo("MASTER");
		// the workers start side by side: a JVM takes a second to start on a busy machine
		ExecutorService starter = Executors.newFixedThreadPool(PROCESSES - 1);
		try {
			List<Future<Incarnation>> workers = new ArrayList<>();
			for (int i = 1; i < PROCESSES; i++) {
				String name = "p" + i;
				workers.add(starter.submit(() -> start(name, group, persistence)));
			}
			for (Future<Incarnation> worker : workers) {
				assertThat(worker.get(2, TimeUnit.MINUTES).node.role()).isEqualTo("WORKER");
			}
		}
		finally {
			starter.shutdownNow();
		}
		// in the order of their names, whatever the order they started in, for the seed's choices
		this.incarnations.sort(Comparator.comparing((incarnation) -> incarnation.name));
		this.started = System.nanoTime();
		for (Incarnation incarnation : this.incarnations) {
			startWorkload(incarnation, random.nextLong());
		}

		List<String> faults = new CopyOnWriteArrayList<>();
		List<Long> kills = new ArrayList<>();
		long next = 0;
		int masterKills = 0;
		for (Fault fault : plan.faults) {
			awaitElapsed(Math.max(fault.atMillis, next));
			switch (fault.kind) {
				case KILL_MASTER -> {
					boolean pause = masterKills++ == plan.pausedKill;
					long killed = killMaster(pause ? plan : null, fault.pick, faults);
					kills.add(killed);
				}
				case RESTART -> restart(fault.pick, group, persistence, random.nextLong(), faults);
				case CUT -> cut(fault.pick, faults);
			}
			next = elapsedMillis() + FAULT_GAP_MILLIS;
		}
		if (this.restarting != null) {
			this.restarting.get(2, TimeUnit.MINUTES);
		}
		awaitElapsed(Math.max(WORKLOAD_MILLIS, elapsedMillis() + SETTLE_MILLIS));

		List<Incarnation> live = this.incarnations.stream().filter((incarnation) -> incarnation.alive).toList();
		for (Incarnation incarnation : live) {
			incarnation.node.call("stop-workload");
		}
		for (Incarnation incarnation : live) {
			// answered once its writes in flight are done and its history file has them
			incarnation.node.await(incarnation.workload);
		}
		await().atMost(AT_MOST)
			.pollInterval(POLL)
			.until(() -> {
				List<Long> revisions = new ArrayList<>();
				for (Incarnation incarnation : live) {
					revisions.add(revision(incarnation));
				}
				return revisions.stream().distinct().count() == 1;
			});
		for (Incarnation incarnation : live) {
			incarnation.node.call("final");
		}

		Judgement judgement = judge(live, kills);
		// every run pauses a worker at one of its master kills
		int faultCount = faults.size() + 1;
		RunSummary summary = new RunSummary(seed, judgement.operations.size(), faultCount, judgement.takeovers,
				judgement.anomalies.size(), judgement.discards.size());
		summaries.add(summary);
		long ok = judgement.operations.stream().filter((op) -> op.outcome() == Outcome.OK).count();
		long failed = judgement.operations.stream().filter((op) -> op.outcome() == Outcome.FAIL).count();
		long unknown = judgement.operations.stream().filter((op) -> op.outcome() == Outcome.UNKNOWN).count();
		System.out.printf("seed %d: persistence %s, %d operations (%d ok, %d failed, %d unknown), final revision %d, "
				+ "%d faults [%s], takeovers %s ms (role given after %s ms), %d reads of killed processes past their recorded log left out, "
				+ "%d discards, %d anomalies, %.1f s%n", seed,
				(plan.fsync != null) ? plan.fsync.name().toLowerCase().replace('_', '-') : "off",
				judgement.operations.size(), ok, failed, unknown, judgement.finalRevision, faultCount,
				String.join(", ", faults),
				judgement.takeovers, judgement.roleTakeovers, judgement.readsLeftOut, judgement.discards.size(),
				judgement.anomalies.size(), (System.nanoTime() - runStarted) / 1e9);
		boolean passed = judgement.anomalies.isEmpty() && judgement.discards.isEmpty() && judgement.converged;
		if (!passed) {
			keepFiles(seed);
			judgement.anomalies.stream().limit(50).forEach((anomaly) -> System.out.println("  " + anomaly));
			judgement.discards.forEach((discard) -> System.out.println("  discarded: " + discard));
		}
		assertThat(judgement.converged).as("live processes converged: %s", judgement.finals).isTrue();
		assertThat(judgement.discards).as("changes discarded although every pause is below failover.max-wait")
			.isEmpty();
		assertThat(judgement.anomalies)
			.as(() -> judgement.anomalies.stream()
				.limit(50)
				.map(Anomaly::toString)
				.collect(Collectors.joining("\n", "Anomalies of seed " + seed + ":\n", "")))
			.isEmpty();
		// the faults really happened while clients wrote
		assertThat(kills).hasSize(2);
		assertThat(judgement.takeovers).allMatch((millis) -> millis >= 0);
	}

	// the faults

	private long killMaster(Plan pausing, int pick, List<String> faults) throws Exception {
		Incarnation master = currentMaster();
		Incarnation paused = null;
		String why = null;
		if (pausing != null) {
			List<Incarnation> workers = running().stream().filter((incarnation) -> incarnation != master).toList();
			String command = pausing.pauseFurthestAhead ? "revision" : "inflight";
			long best = -1;
			for (Incarnation worker : workers) {
				long value = Long.parseLong(worker.node.call(command));
				if (value > best) {
					best = value;
					paused = worker;
				}
			}
			why = (pausing.pauseFurthestAhead ? "furthest ahead at revision " : "busiest writer with in flight ") + best;
			paused.node.pause();
			paused.paused = true;
		}
		master.node.process().destroyForcibly();
		long killed = System.nanoTime();
		master.alive = false;
		assertThat(master.node.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
		if (paused != null) {
			Incarnation resumed = paused;
			this.resumer.schedule(() -> {
				resumed.node.resume();
				resumed.paused = false;
				return null;
			}, pausing.pauseMillis, TimeUnit.MILLISECONDS);
		}
		// a write invoked after the kill completes only once a new master takes writes
		await().atMost(AT_MOST).pollInterval(POLL).until(() -> {
			for (Incarnation incarnation : running()) {
				if (Long.parseLong(incarnation.node.call("okinvoked")) > killed) {
					return true;
				}
			}
			return false;
		});
		Incarnation pausedOne = paused;
		await().atMost(AT_MOST).pollInterval(POLL).until(() -> pausedOne == null || !pausedOne.paused);
		faults.add("kill master " + master.name + " at " + TimeUnit.NANOSECONDS.toMillis(killed - this.started) + " ms"
				+ ((paused != null) ? " + SIGSTOP " + paused.name + " (" + why + ") for " + pausing.pauseMillis + " ms"
						: ""));
		return killed;
	}

	private void restart(int pick, Path group, List<String> persistence, long clientSeed, List<String> faults)
			throws Exception {
		Incarnation master = currentMaster();
		List<Incarnation> workers = running().stream().filter((incarnation) -> incarnation != master).toList();
		Incarnation victim = workers.get(pick % workers.size());
		victim.node.process().destroyForcibly();
		long killed = System.nanoTime();
		victim.alive = false;
		assertThat(victim.node.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
		String restart = "restart " + victim.name + " at " + TimeUnit.NANOSECONDS.toMillis(killed - this.started) + " ms";
		int index = faults.size();
		faults.add(restart + " (never joined)");
		// it joins while the faults go on, and may meet the next one while it joins
		this.restarting = this.restarter.submit(() -> {
			Incarnation restarted = start(victim.name + "r", group, persistence);
			startWorkload(restarted, clientSeed);
			faults.set(index, restart + " (joined as " + restarted.node.role() + " after "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed) + " ms)");
			return null;
		});
	}

	private void cut(int pick, List<String> faults) throws Exception {
		Incarnation master = currentMaster();
		List<Incarnation> running = running();
		Incarnation target = running.get(pick % running.size());
		String connections = target.node.call("cut");
		faults.add("cut " + target.name + ((target == master) ? " (master, " : " (") + connections + " connections) at "
				+ elapsedMillis() + " ms");
	}


	// the processes

	private Incarnation start(String name, Path group, List<String> persistence) throws Exception {
		Path file = this.directory.resolve(name + ".history");
		List<String> arguments = new ArrayList<>(List.of(group.toString(), "AUTO", name, file.toString(),
				String.valueOf(WRITE_TIMEOUT_MILLIS)));
		arguments.addAll(persistence);
		NodeProcess node = NodeProcess.start(HistoryNodeProcessMain.class, this.directory.resolve("nodes.log"),
				arguments);
		Incarnation incarnation = new Incarnation(name, node, file);
		this.incarnations.add(incarnation);
		return incarnation;
	}

	private static void startWorkload(Incarnation incarnation, long seed) throws IOException {
		incarnation.workload = incarnation.node
			.send("bg workload " + seed + " " + WRITES_IN_FLIGHT + " " + OPERATIONS_PER_SECOND);
	}

	/** The live processes that are not stopped, which answer commands. */
	private List<Incarnation> running() {
		return this.incarnations.stream().filter((incarnation) -> incarnation.alive && !incarnation.paused).toList();
	}

	private Incarnation currentMaster() {
		AtomicReference<Incarnation> master = new AtomicReference<>();
		await().atMost(AT_MOST).pollInterval(POLL).until(() -> {
			List<Incarnation> masters = new ArrayList<>();
			for (Incarnation incarnation : running()) {
				if (incarnation.node.call("role").equals("MASTER")) {
					masters.add(incarnation);
				}
			}
			master.set((masters.size() == 1) ? masters.get(0) : null);
			return masters.size() == 1;
		});
		return master.get();
	}

	private static long revision(Incarnation incarnation) throws Exception {
		return Long.parseLong(incarnation.node.call("revision"));
	}

	private long elapsedMillis() {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.started);
	}

	private void awaitElapsed(long millis) {
		await().atMost(AT_MOST).pollInterval(POLL).until(() -> elapsedMillis() >= millis);
	}

	private void keepFiles(long seed) throws IOException {
		Path target = Path.of("target", "seeded-histories", "seed-" + seed);
		Files.createDirectories(target);
		try (Stream<Path> files = Files.list(this.directory)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
			}
		}
		System.out.println("  files of seed " + seed + " kept in " + target.toAbsolutePath());
	}

	// the judgement

	private Judgement judge(List<Incarnation> live, List<Long> kills) throws IOException {
		Map<Incarnation, ProcessHistory> histories = new HashMap<>();
		for (Incarnation incarnation : this.incarnations) {
			histories.put(incarnation, HistoryFiles.read(incarnation.file));
		}
		// a process that lived through the whole run applied every revision: the map a later
		// process joined at is replayed from its log
		List<Incarnation> liveFirst = new ArrayList<>(live);
		liveFirst.sort(Comparator.comparingLong((incarnation) -> histories.get(incarnation).joinedAt()));
		NodeLog reference = histories.get(liveFirst.get(0)).log();
		Map<Incarnation, NodeLog> logs = new HashMap<>();
		for (Incarnation incarnation : this.incarnations) {
			ProcessHistory history = histories.get(incarnation);
			logs.put(incarnation, (history.joinedAt() >= 0)
					? history.logJoinedWith(stateAt(reference, history.joinedAt())) : history.log());
		}
		Map<Long, Change> kept = new HashMap<>();
		for (Incarnation incarnation : live) {
			for (LogEntry entry : logs.get(incarnation).entries()) {
				if (entry instanceof Change change) {
					kept.putIfAbsent(change.revision(), change);
				}
			}
		}
		NodeLog anyLive = logs.get(live.get(0));
		long finalRevision = anyLive.finalRevision();
		List<String> finals = new ArrayList<>();
		boolean converged = true;
		for (Incarnation incarnation : live) {
			NodeLog log = logs.get(incarnation);
			finals.add(incarnation.name + " at " + log.finalRevision() + " with " + log.finalMap());
			converged &= log.hasFinalState() && log.finalRevision() == finalRevision
					&& log.finalMap().equals(anyLive.finalMap());
		}

		History.Builder history = History.builder();
		List<Operation> operations = new ArrayList<>();
		long readsLeftOut = 0;
		// the live processes' logs first: where logs disagree, the first is the reference
		for (Incarnation incarnation : live) {
			history.nodeLogs(logs.get(incarnation));
			operations.addAll(histories.get(incarnation).operations());
		}
		for (Incarnation incarnation : this.incarnations) {
			if (incarnation.alive) {
				continue;
			}
			// A master applies a change (and its clients may read it) before any worker has
			// it, so a killed master may have applied changes no other process had when it
			// died; they are not the group's history (its successor gives their revisions to
			// other changes, and any acknowledged write among them would be reported lost, as
			// the killed master's own writes are acknowledged only once a worker has them). Its
			// log is cut where it first parts from the live processes' logs (or goes past their
			// last revision), and reads of its own that may have seen that tail are left out.
			// So are the reads of a killed process past the last change its file shows: the
			// changes it applied in its last moments died with it unwritten, so whether they
			// were the group's or such a tail cannot be told.
			NodeLog log = logs.get(incarnation);
			long recorded = log.entries().isEmpty() ? 0 : log.entries().get(log.entries().size() - 1).revision();
			long cut = Math.min(firstDifference(log, kept, finalRevision), recorded + 1);
			history.nodeLogs(new NodeLog(log.nodeId(),
					log.entries().stream().filter((entry) -> entry.revision() < cut).toList(), null, 0));
			for (Operation operation : histories.get(incarnation).operations()) {
				if (operation.isOkRead() && operation.result().revisionAfter() >= cut) {
					readsLeftOut++;
					continue;
				}
				operations.add(operation);
			}
		}
		history.operations(operations.toArray(Operation[]::new));
		List<Anomaly> anomalies = HistoryChecker.check(history.build());
		List<String> discards = new ArrayList<>();
		histories.forEach((incarnation, process) -> process.discards()
			.forEach((discard) -> discards.add(incarnation.name + ": " + discard)));
		List<Long> takeovers = new ArrayList<>();
		List<Long> roleTakeovers = new ArrayList<>();
		for (long killed : kills) {
			takeovers.add(operations.stream()
				.filter((op) -> op.kind().isWrite() && op.outcome() == Outcome.OK && op.invokeTime() > killed)
				.mapToLong((op) -> TimeUnit.NANOSECONDS.toMillis(op.completeTime() - killed))
				.min()
				.orElse(-1));
			roleTakeovers.add(histories.values()
				.stream()
				.flatMap((process) -> process.roles().stream())
				.filter((role) -> role.role().equals("MASTER") && role.time() > killed)
				.mapToLong((role) -> TimeUnit.NANOSECONDS.toMillis(role.time() - killed))
				.min()
				.orElse(-1));
		}
		return new Judgement(operations, anomalies, discards, takeovers, roleTakeovers, readsLeftOut, finalRevision,
				converged, finals);
	}

	/** The first revision at which a dead process's log holds something the group did not keep. */
	private static long firstDifference(NodeLog log, Map<Long, Change> kept, long finalRevision) {
		for (LogEntry entry : log.entries()) {
			if (entry.revision() > finalRevision) {
				return entry.revision();
			}
			if (entry instanceof Change change) {
				Change reference = kept.get(change.revision());
				if (reference != null && !reference.agreesWith(change)) {
					return change.revision();
				}
			}
		}
		return Long.MAX_VALUE;
	}

	/** The map of a log at a revision, replayed from its start. */
	private static Map<String, String> stateAt(NodeLog log, long revision) {
		Map<String, String> map = new TreeMap<>();
		long at = -1;
		for (LogEntry entry : log.entries()) {
			if (entry.revision() > revision) {
				break;
			}
			if (entry instanceof Snapshot snapshot) {
				map = new TreeMap<>(snapshot.map());
			}
			else if (entry instanceof Change change) {
				if (change.value() != null) {
					map.put(change.key(), change.value());
				}
				else {
					map.remove(change.key());
				}
			}
			at = entry.revision();
		}
		if (at != revision) {
			throw new IllegalStateException(log.nodeId() + "'s log does not reach revision " + revision
					+ " from its start (it reaches " + at + ")");
		}
		return map;
	}

	// the plan

	private enum FaultKind {

		KILL_MASTER, RESTART, CUT

	}

	private record Fault(long atMillis, FaultKind kind, int pick) {
	}

	/**
	 * What a seed decides before the run: persistence, the faults, their times and their
	 * targets (by index among the processes that run then).
	 */
	private static final class Plan {

		Persistence.Fsync fsync;

		int pausedKill;

		boolean pauseFurthestAhead;

		int pauseMillis;

		final List<Fault> faults = new ArrayList<>();

		static Plan of(Random random) {
			Plan plan = new Plan();
			// the first value of java.util.Random is much the same for nearby seeds
			random.nextLong();
			plan.fsync = random.nextBoolean() ? null
					: (random.nextBoolean() ? Persistence.Fsync.ALWAYS : Persistence.Fsync.EVERY_SECOND);
			long workload = WORKLOAD_MILLIS;
			plan.faults.add(new Fault(workload * (10 + random.nextInt(15)) / 100, FaultKind.KILL_MASTER, 0));
			plan.faults.add(new Fault(workload * (45 + random.nextInt(15)) / 100, FaultKind.KILL_MASTER, 0));
			plan.pausedKill = random.nextInt(2);
			plan.pauseFurthestAhead = random.nextBoolean();
			plan.pauseMillis = MIN_PAUSE_MILLIS + random.nextInt(MAX_PAUSE_MILLIS - MIN_PAUSE_MILLIS + 1);
			plan.faults.add(new Fault(workload * (5 + random.nextInt(65)) / 100, FaultKind.RESTART,
					random.nextInt(1000)));
			int cuts = 1 + random.nextInt(3);
			for (int i = 0; i < cuts; i++) {
				plan.faults.add(new Fault(workload * (5 + random.nextInt(70)) / 100, FaultKind.CUT,
						random.nextInt(1000)));
			}
			plan.faults.sort(Comparator.comparingLong(Fault::atMillis));
			return plan;
		}

	}

	// the records of a run

	private static final class Incarnation {

		final String name;

		final NodeProcess node;

		final Path file;

		volatile boolean alive = true;

		volatile boolean paused;

		String workload;

		Incarnation(String name, NodeProcess node, Path file) {
			this.name = name;
			this.node = node;
			this.file = file;
		}

	}

	private record Judgement(List<Operation> operations, List<Anomaly> anomalies, List<String> discards,
			List<Long> takeovers, List<Long> roleTakeovers, long readsLeftOut, long finalRevision, boolean converged,
			List<String> finals) {
	}

	private record RunSummary(long seed, long operations, long faults, List<Long> takeoverMillis, long anomalies,
			long discards) {
	}

}
