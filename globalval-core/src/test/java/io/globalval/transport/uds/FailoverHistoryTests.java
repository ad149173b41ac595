package io.globalval.transport.uds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.history.Anomaly;
import io.globalval.history.History;
import io.globalval.history.HistoryChecker;
import io.globalval.history.LogEntry;
import io.globalval.history.Operation;
import io.globalval.history.Outcome;
import io.globalval.testsupport.HistoryFiles;
import io.globalval.testsupport.HistoryFiles.ProcessHistory;
import io.globalval.testsupport.HistoryNodeProcessMain;
import io.globalval.testsupport.NodeProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A history of real JVMs on a real Unix socket, judged by the
 * {@link HistoryChecker}: clients on every worker set, delete, compare-and-set,
 * increment and read while the master is killed with SIGKILL, and then the worker that
 * took over is killed too. Each process records its operations and what it applied to a
 * file as it goes; the files of the killed processes end where they died, and a killed
 * master's log is cut where the processes that lost it stopped receiving (what it applied
 * beyond that died with it).
 * <p>
 * The master runs no client and nothing is paused ({@link SeededHistoryTests} does both:
 * clients on every process, pauses, restarts, cuts, persistence). The run is repeatable in
 * its choices (not in its timing) with {@code -Dglobalval.history.seed=<seed>}.
 */
class FailoverHistoryTests {

	private static final Logger logger = LoggerFactory.getLogger(FailoverHistoryTests.class);

	private static final long SEED = Long.getLong("globalval.history.seed", 7321L);

	private static final long CLIENT_MILLIS = 9000;

	private static final long FIRST_KILL_NANOS = TimeUnit.SECONDS.toNanos(2);

	private static final long SECOND_KILL_NANOS = TimeUnit.SECONDS.toNanos(5);

	private static final int WRITES_IN_FLIGHT = 64;

	/** Operations a second per client: enough to have writes in flight at every kill, a history of tens of megabytes. */
	private static final int OPERATIONS_PER_SECOND = 4000;

	private static final long WRITE_TIMEOUT_MILLIS = 10_000;

	private static final Duration AT_MOST = Duration.ofSeconds(60);

	@TempDir
	Path directory;

	private final List<NodeProcess> nodes = new ArrayList<>();

	@AfterEach
	void killNodes() {
		this.nodes.forEach(NodeProcess::close);
	}

	@Test
	void noAcknowledgedWriteIsLostWhenTheMasterAndThenItsSuccessorAreKilled() throws Exception {
		Random random = new Random(SEED);
		Path group = Files.createDirectories(this.directory.resolve("group"));
		Path log = this.directory.resolve("nodes.log");
		List<Path> files = new ArrayList<>();
		NodeProcess master = start(group, "p0", log, files);
		assertThat(master.role()).isEqualTo("MASTER");
		List<NodeProcess> workers = new ArrayList<>();
		List<String> names = new ArrayList<>();
		for (int i = 1; i <= 3; i++) {
			NodeProcess worker = start(group, "w" + i, log, files);
			assertThat(worker.role()).isEqualTo("WORKER");
			workers.add(worker);
			names.add("w" + i);
		}
		long started = System.nanoTime();
		List<String> runs = new ArrayList<>();
		for (NodeProcess worker : workers) {
			runs.add(worker.send("bg clients " + CLIENT_MILLIS + " " + random.nextLong() + " " + WRITES_IN_FLIGHT + " "
					+ OPERATIONS_PER_SECOND));
		}

		await().atMost(AT_MOST)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> System.nanoTime() - started >= FIRST_KILL_NANOS);
		long firstKillRevision = revision(workers.get(0));
		long firstKilled = kill(master);
		NodeProcess second = awaitMaster(workers);
		long firstTakeoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstKilled);

		await().atMost(AT_MOST)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> System.nanoTime() - started >= SECOND_KILL_NANOS);
		List<NodeProcess> survivors = new ArrayList<>(workers);
		survivors.remove(second);
		long secondKillRevision = revision(survivors.get(0));
		long secondKilled = kill(second);
		NodeProcess third = awaitMaster(survivors);
		long secondTakeoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - secondKilled);

		List<String> clientCounts = new ArrayList<>();
		for (NodeProcess survivor : survivors) {
			int index = workers.indexOf(survivor);
			clientCounts.add(names.get(index) + ": " + survivor.await(runs.get(index)));
		}
		await().atMost(AT_MOST).until(() -> revision(survivors.get(0)) == revision(survivors.get(1)));
		long finalRevision = 0;
		for (NodeProcess survivor : survivors) {
			finalRevision = Long.parseLong(survivor.call("final"));
		}

		List<ProcessHistory> processes = new ArrayList<>();
		for (Path file : files) {
			processes.add(HistoryFiles.read(file));
		}
		// A master applies a change (and tells its listeners) before the frames reach its
		// workers, so a killed master may have applied changes that no other process ever
		// received; its successor gives their revisions to other changes. That tail died
		// with it (the same cause as the known defect of the master's own writes, which is
		// why the master runs no client), so its log is cut at the highest revision any
		// process that lost it had applied, as each recorded when the connection dropped.
		long firstCut = lastRevisionFrom(processes, List.of(1, 2, 3), 0);
		long secondCut = lastRevisionFrom(processes,
				survivors.stream().map((node) -> this.nodes.indexOf(node)).toList(), 1);
		ProcessHistory firstMaster = processes.get(0);
		ProcessHistory secondMaster = processes.get(this.nodes.indexOf(second));
		String tails = tail(firstMaster, firstCut) + ", " + tail(secondMaster, secondCut);
		// survivors first: where logs disagree, the first log is the reference
		History.Builder history = History.builder();
		int truncated = 0;
		long readsAhead = 0;
		for (ProcessHistory process : processes) {
			history.operations(process.operations().toArray(Operation[]::new));
			truncated += process.truncatedLines();
			readsAhead += process.readsAhead();
		}
		history.nodeLogs(processes.get(this.nodes.indexOf(third)).log());
		survivors.stream()
			.filter((node) -> node != third)
			.forEach((node) -> history.nodeLogs(processes.get(this.nodes.indexOf(node)).log()));
		history.nodeLogs(secondMaster.logUpTo(secondCut), firstMaster.logUpTo(firstCut));
		History built = history.build();
		List<Anomaly> anomalies = HistoryChecker.check(built);

		List<Operation> operations = built.operations();
		long reads = operations.stream().filter(Operation::isOkRead).count();
		long acknowledged = operations.stream()
			.filter((op) -> op.outcome() == Outcome.OK && op.kind().isWrite())
			.count();
		long failed = operations.stream().filter((op) -> op.outcome() == Outcome.FAIL).count();
		long unknown = operations.stream().filter((op) -> op.outcome() == Outcome.UNKNOWN).count();
		long neverCompleted = operations.stream().filter((op) -> op.completeTime() == Operation.NEVER).count();
		long inFlightAtFirstKill = writesInFlight(operations, firstKilled);
		long inFlightAtSecondKill = writesInFlight(operations, secondKilled);
		logger.info("History (seed {}): {} operations ({} reads, {} writes acknowledged, {} failed, {} unknown of which "
				+ "{} never completed); revisions: {} at the first kill, {} at the second, {} at the end; writes in "
				+ "flight at the kills: {} and {}; takeovers after {} ms and {} ms; cut from the killed masters' logs: "
				+ "{}; {} reads ahead of revision(); {} cut-short lines; clients (operations ok failed unknown) {}; "
				+ "{} anomalies", SEED, operations.size(), reads, acknowledged, failed, unknown, neverCompleted,
				firstKillRevision, secondKillRevision, finalRevision, inFlightAtFirstKill, inFlightAtSecondKill,
				firstTakeoverMillis, secondTakeoverMillis, tails, readsAhead, truncated, clientCounts, anomalies.size());
		anomalies.forEach((anomaly) -> logger.error("Anomaly: {}", anomaly));
		// the kills really happened mid-run
		assertThat(secondKillRevision).isGreaterThan(firstKillRevision);
		assertThat(finalRevision).isGreaterThan(secondKillRevision);
		assertThat(anomalies)
			.as(() -> anomalies.stream().map(Anomaly::toString).collect(Collectors.joining("\n", "Anomalies:\n", "")))
			.isEmpty();
	}

	private static long lastRevisionFrom(List<ProcessHistory> processes, List<Integer> indexes, int loss) {
		long last = 0;
		for (int index : indexes) {
			List<Long> lost = processes.get(index).mastersLost();
			assertThat(lost).as("masters %s lost", processes.get(index).name()).hasSizeGreaterThan(loss);
			last = Math.max(last, lost.get(loss));
		}
		return last;
	}

	private static String tail(ProcessHistory master, long cut) {
		List<LogEntry> tail = master.log().entries().stream().filter((entry) -> entry.revision() > cut).toList();
		return master.name() + " after revision " + cut + ": " + (tail.isEmpty() ? "nothing"
				: tail.size() + " entries (" + tail.get(0).revision() + ".." + tail.get(tail.size() - 1).revision() + ")");
	}

	private static long writesInFlight(List<Operation> operations, long time) {
		return operations.stream()
			.filter((op) -> op.kind().isWrite() && op.invokeTime() < time && op.completeTime() > time)
			.count();
	}

	private NodeProcess start(Path group, String name, Path log, List<Path> files) throws Exception {
		Path file = this.directory.resolve(name + ".history");
		NodeProcess node = NodeProcess.start(HistoryNodeProcessMain.class, log, List.of(group.toString(), "AUTO", name,
				file.toString(), String.valueOf(WRITE_TIMEOUT_MILLIS)));
		this.nodes.add(node);
		files.add(file);
		return node;
	}

	private static long kill(NodeProcess node) throws InterruptedException {
		node.process().destroyForcibly();
		long killed = System.nanoTime();
		assertThat(node.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
		return killed;
	}

	private static long revision(NodeProcess node) throws Exception {
		return Long.parseLong(node.call("revision"));
	}

	private static NodeProcess awaitMaster(List<NodeProcess> candidates) {
		AtomicReference<NodeProcess> master = new AtomicReference<>();
		await().atMost(AT_MOST).pollInterval(Duration.ofMillis(20)).until(() -> {
			for (NodeProcess candidate : candidates) {
				if (candidate.process().isAlive() && candidate.call("role").equals("MASTER")) {
					master.set(candidate);
					return true;
				}
			}
			return false;
		});
		return master.get();
	}

}
