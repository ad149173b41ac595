package io.globalval.simulation;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import io.globalval.Role;
import io.globalval.core.ChangeEvent;
import io.globalval.core.ChangeListener;
import io.globalval.core.DefaultGlobalValNode;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.Persistence;
import io.globalval.core.ReplicaEntry;
import io.globalval.core.RolePreference;
import io.globalval.core.ValueCodec;
import io.globalval.history.Anomaly;
import tools.jackson.databind.json.JsonMapper;

/**
 * One seeded run of a whole group in one thread: a master and workers (real
 * {@link DefaultGlobalValNode}s with their real roles, sequencer and codec) on a
 * simulated network, lock, disk and clock; clients issuing writes and reads on every
 * process; crashes, restarts, pauses, cut connections and power losses at times the
 * seed picks. Invariants are checked on every step (one change per revision everywhere,
 * gap-free logs, same revision same map, at most one master per epoch); at the end the
 * group is healed and must converge, and the history of what clients saw is checked.
 * The same seed and options replay the same run, step for step.
 */
final class Simulation {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final String[] KEYS = { "k0", "k1", "k2", "k3" };

	static final String COUNTER = "ctr";

	final long seed;

	final SimulationOptions options;

	final Random random;

	final SimScheduler scheduler = new SimScheduler();

	final SimLocks locks = new SimLocks();

	final SimNetwork network = new SimNetwork(this);

	private final Map<String, SimDisk> disks = new LinkedHashMap<>();

	final List<SimProcess> processes = new ArrayList<>();

	final List<Incarnation> incarnations = new ArrayList<>();

	private final List<String> traceLines = new ArrayList<>();

	final SimHistory history = new SimHistory();

	/** The one history: the change every node applied at each revision. */
	private final Map<Long, NodeLog.Change> reference = new HashMap<>();

	/** The map's fingerprint at each revision, as the first node to reach it had it. */
	private final Map<Long, Long> fingerprints = new HashMap<>();

	private final List<Await> awaits = new ArrayList<>();

	private final NodeSettings settings;

	private final boolean fsyncAlways;

	private final boolean persistent;

	private final int processCount;

	private long workloadEnd;

	private int valueCounter;

	private int faults;

	String failure;

	long bytesSent;

	Simulation(long seed, SimulationOptions options) {
		this.seed = seed;
		this.options = options.forSeed(seed);
		this.random = new Random(seed);
		this.processCount = 3 + this.random.nextInt(3);
		this.persistent = options.persistence() && this.random.nextInt(4) == 0;
		this.fsyncAlways = this.persistent && this.random.nextInt(3) != 0;
		int[] logCapacities = { 8, 64, 100_000 };
		Path directory = Path.of("/sim/globalval-app");
		Persistence persistence = this.persistent ? Persistence.in(directory.resolve("data"),
				this.fsyncAlways ? Persistence.Fsync.ALWAYS : Persistence.Fsync.EVERY_SECOND) : Persistence.DISABLED;
		this.settings = NodeSettings.builder()
			.name("app")
			.role(RolePreference.AUTO)
			.directory(directory)
			.nodeName("sim")
			.changeLogCapacity(logCapacities[this.random.nextInt(logCapacities.length)])
			.persistence(persistence)
			.build();
	}

	// the run

	SimulationResult run() {
		trace("seed " + this.seed + ": " + this.processCount + " processes, change log " + this.settings.changeLogCapacity()
				+ ", persistence " + (this.persistent ? (this.fsyncAlways ? "fsync always" : "fsync every second") : "off")
				+ ", faults " + this.options.describe());
		for (int i = 0; i < this.processCount; i++) {
			SimProcess process = new SimProcess(i);
			this.processes.add(process);
			// the first one starts alone, so it is the master at first
			long at = (i == 0) ? 0 : millis(5 + this.random.nextInt(50));
			this.scheduler.at(at, null, "start " + process.name, () -> start(process));
		}
		this.workloadEnd = this.options.workload().toNanos();
		this.scheduler.at(millis(100), null, "workload", this::nextOperation);
		this.scheduler.at(millis(300 + this.random.nextInt(500)), null, "fault", this::nextFault);
		this.scheduler.at(this.workloadEnd, null, "heal", this::heal);
		long end = this.workloadEnd + this.options.quiesce().toNanos();
		try {
			while (this.failure == null && this.scheduler.step(end)) {
				checkMasters();
			}
			if (this.failure == null) {
				this.scheduler.advanceTo(end);
				checkEnd();
			}
		}
		catch (RuntimeException ex) {
			fail("the simulation itself failed: " + ex, ex);
		}
		return new SimulationResult(this.seed, this.options, this.failure, List.copyOf(this.traceLines),
				this.scheduler.executed(), this.history.operations().size(), this.faults, this.reference.size());
	}

	private void start(SimProcess process) {
		Incarnation incarnation = process.newIncarnation();
		this.incarnations.add(incarnation);
		this.scheduler.after(0, incarnation, "start", () -> {
			trace("start " + incarnation);
			try {
				incarnation.runtime = new SimRuntime(this, incarnation);
				DefaultGlobalValNode.start(this.settings, new ValueCodec(MAPPER, this.settings.maxValueSize()),
						new SimTransport(this, incarnation), new Recorder(incarnation), incarnation.runtime);
			}
			catch (RuntimeException ex) {
				engineFailure(incarnation + " did not start", ex);
			}
		});
	}

	// workload

	private void nextOperation() {
		if (this.scheduler.now() >= this.workloadEnd) {
			return;
		}
		List<Incarnation> up = live();
		if (!up.isEmpty()) {
			Incarnation incarnation = up.get(this.random.nextInt(up.size()));
			this.scheduler.after(0, incarnation, "operation", () -> operate(incarnation));
		}
		long gap = (long) (-Math.log(1 - this.random.nextDouble()) * 3_000_000);
		this.scheduler.after(gap, null, "workload", this::nextOperation);
	}

	private void operate(Incarnation incarnation) {
		GlobalValNode node = incarnation.node;
		if (node == null) {
			return;
		}
		int dice = this.random.nextInt(100);
		String key = KEYS[this.random.nextInt(KEYS.length)];
		if (dice < 30) {
			String value = "\"" + incarnation.name + "-" + (++this.valueCounter) + "\"";
			SimHistory.Operation op = write(incarnation, SimHistory.Kind.SET, key, value, null, 0);
			watch(op, node.set(key, bytes(value)));
		}
		else if (dice < 38) {
			SimHistory.Operation op = write(incarnation, SimHistory.Kind.DELETE, key, null, null, 0);
			watch(op, node.delete(key));
		}
		else if (dice < 48) {
			String expected = currentValue(node, key);
			if (this.random.nextInt(4) == 0) {
				expected = "\"stale\"";
			}
			String value = "\"" + incarnation.name + "-" + (++this.valueCounter) + "\"";
			SimHistory.Operation op = write(incarnation, SimHistory.Kind.COMPARE_AND_SET, key, value, expected, 0);
			watch(op, node.compareAndSet(key, (expected != null) ? bytes(expected) : null, bytes(value)));
		}
		else if (dice < 73) {
			long delta = 1 + this.random.nextInt(3);
			SimHistory.Operation op = write(incarnation, SimHistory.Kind.INCREMENT, COUNTER, null, null, delta);
			watch(op, node.increment(COUNTER, delta));
		}
		else if (dice < 95) {
			if (!node.replica().isReady()) {
				return;
			}
			long before = node.replica().revision();
			String value = currentValue(node, key);
			long after = node.replica().revision();
			this.history.read(incarnation, key, value, before, after, this.scheduler.now());
		}
		else if (node.replica().isReady()) {
			long target = node.replica().revision() + 1 + this.random.nextInt(3);
			CompletableFuture<Long> future = node.awaitRevision(target);
			this.awaits.add(new Await(incarnation, target, future));
		}
	}

	private SimHistory.Operation write(Incarnation incarnation, SimHistory.Kind kind, String key, String value,
			String expected, long delta) {
		long seq = incarnation.runtime.upcomingWriteSeq(incarnation.node.role() == Role.WORKER);
		SimHistory.Operation op = this.history.invoke(incarnation, kind, key, value, expected, delta,
				incarnation.node.nodeId(), seq, this.scheduler.now());
		trace(incarnation + " invokes " + op.describe());
		return op;
	}

	private void watch(SimHistory.Operation op, CompletableFuture<?> future) {
		long epochAtInvoke = highestEpoch();
		future.whenComplete((result, ex) -> {
			// a master answers "processed before, outcome unknown" only for a write sent again to a master that
			// took over (its outcome is with the one before); the writes of a simulated run are far too few to
			// outlive the outcomes a master keeps. Without a takeover meanwhile, the answer is wrong
			if (ex != null && String.valueOf(ex.getMessage()).contains("was processed before")
					&& highestEpoch() == epochAtInvoke) {
				fail(op.incarnation + "'s " + op.describe() + " was answered as processed before, though no master took "
						+ "over since it was made (epoch " + epochAtInvoke + "): " + ex.getMessage(), ex);
			}
			this.history.complete(op, result, ex, this.scheduler.now());
			trace(op.incarnation + " completes " + op.describe() + " -> " + op.outcome + " "
					+ ((ex != null) ? ex.getClass().getSimpleName() + ": " + ex.getMessage() : result));
		});
	}

	private static String currentValue(GlobalValNode node, String key) {
		ReplicaEntry entry = node.replica().entry(key);
		return (entry != null) ? new String(entry.json(), StandardCharsets.UTF_8) : null;
	}

	// faults

	private void nextFault() {
		if (this.scheduler.now() >= this.workloadEnd) {
			return;
		}
		List<Runnable> choices = new ArrayList<>();
		if (this.options.crashes()) {
			choices.add(this::crashAny);
			choices.add(this::crashMaster);
		}
		if (this.options.pauses()) {
			choices.add(this::pauseAny);
		}
		if (this.options.pauses() && this.options.crashes()) {
			choices.add(this::pauseBusiestAndCrashMaster);
		}
		if (this.options.cuts()) {
			choices.add(this::cutAny);
			choices.add(this::cutAny);
		}
		if (this.options.powerLoss() && this.fsyncAlways && this.random.nextInt(4) == 0) {
			choices.add(this::powerLoss);
		}
		if (this.options.diskFaults() && this.persistent) {
			choices.add(this::failDisk);
		}
		if (!choices.isEmpty()) {
			choices.get(this.random.nextInt(choices.size())).run();
		}
		this.scheduler.after(millis(200 + this.random.nextInt(1000)), null, "fault", this::nextFault);
	}

	private void crashAny() {
		List<Incarnation> up = live();
		Incarnation victim = up.isEmpty() ? null : up.get(this.random.nextInt(up.size()));
		if (victim != null && stateSurvives(victim)) {
			crash(victim);
		}
	}

	private void crashMaster() {
		Incarnation master = this.locks.holder();
		if (master != null && stateSurvives(master)) {
			crash(master);
		}
	}

	/**
	 * Whether the group's state survives a process's death: another live process holds
	 * it (it has applied a snapshot), or the disk does ({@code fsync=always}). Values live
	 * only while a process that has them runs; a crash that ends the last of them loses
	 * them by design, which is no fault to test.
	 */
	private boolean stateSurvives(Incarnation victim) {
		if (this.fsyncAlways) {
			return live().size() >= 2;
		}
		boolean anotherHasState = false;
		long others = 0;
		for (Incarnation other : live()) {
			if (other != victim && other.node != null && other.node.replica().isReady()) {
				anotherHasState = true;
				others = Math.max(others, revisionOf(other));
			}
		}
		if (!anotherHasState) {
			return false;
		}
		// one failure at a time: the victim must not be the last live holder of changes that a
		// process already dead also had (those could have been acknowledged; losing them takes two failures)
		if (revisionOf(victim) > others) {
			for (Incarnation dead : this.incarnations) {
				// (what a dead process had may reach a live one after its death, from frames in flight)
				if (!dead.alive && dead.revisionAtDeath > others) {
					return false;
				}
			}
		}
		return true;
	}

	private static long revisionOf(Incarnation incarnation) {
		long revision = incarnation.log.revision;
		return (incarnation.node != null) ? Math.max(revision, incarnation.node.replica().revision()) : revision;
	}

	private void crash(Incarnation incarnation) {
		this.faults++;
		trace("CRASH " + incarnation + describeRole(incarnation));
		incarnation.revisionAtDeath = revisionOf(incarnation);
		incarnation.alive = false;
		this.network.crashed(incarnation);
		forgetWhatOnlyTheDeadApplied();
		SimProcess process = incarnation.process;
		this.scheduler.after(millis(100 + this.random.nextInt(1900)), null, "restart " + process.name,
				() -> restart(process));
	}

	/**
	 * Forget the revisions above every live process's: only dead processes applied them (a
	 * master's last changes, applied before any other process had them), so the group
	 * sequences those revisions again, which is no divergence; the history checker still
	 * finds an acknowledged write among them that the group lost. The dead processes' logs
	 * are left out of the history from there on.
	 */
	private void forgetWhatOnlyTheDeadApplied() {
		long live = 0;
		for (Incarnation incarnation : live()) {
			live = Math.max(live, incarnation.log.revision);
			if (incarnation.node != null) {
				live = Math.max(live, incarnation.node.replica().revision());
			}
		}
		long highestLive = live;
		for (Incarnation incarnation : this.incarnations) {
			if (!incarnation.alive && incarnation.revisionAtDeath > highestLive) {
				incarnation.log.forgottenFrom = Math.min(incarnation.log.forgottenFrom, highestLive + 1);
			}
		}
		this.reference.keySet().removeIf((revision) -> revision > highestLive);
		this.fingerprints.keySet().removeIf((revision) -> revision > highestLive);
	}

	private void restart(SimProcess process) {
		if (!process.isUp()) {
			start(process);
		}
	}

	private void pauseAny() {
		List<Incarnation> up = live();
		if (!up.isEmpty()) {
			pause(up.get(this.random.nextInt(up.size())), millis(100 + this.random.nextInt(2900)));
		}
	}

	/** The worker furthest ahead stops at the instant the master dies, and comes back later. */
	private void pauseBusiestAndCrashMaster() {
		Incarnation master = this.locks.holder();
		if (master == null || live().size() < 3 || !stateSurvives(master)) {
			return;
		}
		Incarnation busiest = null;
		for (Incarnation candidate : live()) {
			if (candidate != master && !candidate.paused
					&& (busiest == null || candidate.log.revision > busiest.log.revision)) {
				busiest = candidate;
			}
		}
		if (busiest != null) {
			pause(busiest, millis(300 + this.random.nextInt(2700)));
			crash(master);
		}
	}

	private void pause(Incarnation incarnation, long duration) {
		if (incarnation.paused) {
			return;
		}
		this.faults++;
		trace("PAUSE " + incarnation + describeRole(incarnation) + " for " + duration / 1_000_000 + " ms");
		incarnation.paused = true;
		this.scheduler.after(duration, null, "resume", () -> resume(incarnation));
	}

	private void resume(Incarnation incarnation) {
		if (incarnation.paused) {
			trace("RESUME " + incarnation);
			incarnation.paused = false;
			this.scheduler.resume(incarnation);
		}
	}

	private void cutAny() {
		List<SimNetwork.Connection> open = new ArrayList<>();
		for (SimNetwork.Connection connection : this.network.connections()) {
			if (!connection.clientSide.ended && !connection.serverSide.ended && !connection.clientSide.closed
					&& !connection.serverSide.closed) {
				open.add(connection);
			}
		}
		if (!open.isEmpty()) {
			this.faults++;
			open.get(this.random.nextInt(open.size())).cut();
		}
	}

	private void powerLoss() {
		this.faults++;
		trace("POWER LOSS: every process dies; what was not forced to disk is lost or torn");
		for (Incarnation incarnation : live()) {
			incarnation.revisionAtDeath = revisionOf(incarnation);
			incarnation.alive = false;
			this.network.crashed(incarnation);
		}
		this.disks.values().forEach(SimDisk::powerLoss);
		// what the disk kept comes back when they restart; what it lost is sequenced again
		forgetWhatOnlyTheDeadApplied();
		long restartAt = millis(100 + this.random.nextInt(900));
		for (SimProcess process : this.processes) {
			this.scheduler.after(restartAt + millis(this.random.nextInt(50)), null, "restart " + process.name,
					() -> restart(process));
		}
	}

	/** The data disk fails for a while: forces fail, or it is full. */
	private void failDisk() {
		this.faults++;
		boolean full = this.random.nextBoolean();
		long duration = millis(100 + this.random.nextInt(900));
		trace("DISK " + (full ? "FULL" : "FORCE FAILS") + " for " + duration / 1_000_000 + " ms");
		this.disks.values().forEach((disk) -> {
			disk.full |= full;
			disk.failForce |= !full;
		});
		this.scheduler.after(duration, null, "disk recovers", () -> this.disks.values().forEach((disk) -> {
			disk.full = false;
			disk.failForce = false;
		}));
	}

	private void heal() {
		trace("HEAL: no more faults or operations; paused processes resume, crashed ones restart");
		for (Incarnation incarnation : live()) {
			resume(incarnation);
		}
		for (SimProcess process : this.processes) {
			if (!process.isUp()) {
				this.scheduler.after(millis(this.random.nextInt(100)), null, "restart " + process.name,
						() -> restart(process));
			}
		}
	}

	// what nodes apply

	private final class Recorder implements ChangeListener {

		private final Incarnation incarnation;

		Recorder(Incarnation incarnation) {
			this.incarnation = incarnation;
		}

		@Override
		public void onStart(GlobalValNode node) {
			this.incarnation.node = (DefaultGlobalValNode) node;
		}

		@Override
		public void onChange(ChangeEvent event) {
			if (event.origin() == -1) {
				// a key a snapshot changed; the snapshot itself is recorded whole
				return;
			}
			String value = event.isDeleted() ? null : new String(event.json(), StandardCharsets.UTF_8);
			applied(this.incarnation, new NodeLog.Change(event.revision(), event.key(), value, event.origin(),
					event.seq()));
		}

		@Override
		public void onSnapshot(long revision, int keys) {
			Map<String, String> entries = new LinkedHashMap<>();
			this.incarnation.node.replica()
				.rawEntries()
				.forEach((key, entry) -> entries.put(key, new String(entry.json(), StandardCharsets.UTF_8)));
			snapshotApplied(this.incarnation, revision, entries);
		}

		@Override
		public void onDiscarded(io.globalval.core.DiscardedChanges discarded) {
			// every live member is waited for past the longest pause here: nothing should be discarded
			fail("DISCARDED on " + this.incarnation + ": " + discarded, null);
		}

		@Override
		public void onRole(Role role) {
			trace(this.incarnation + " is " + role + ((this.incarnation.node != null)
					? " (epoch " + this.incarnation.node.epoch() + ", revision "
							+ this.incarnation.node.replica().revision() + ")"
					: ""));
		}

	}

	private void applied(Incarnation incarnation, NodeLog.Change change) {
		NodeLog log = incarnation.log;
		if (log.started && change.revision() != log.revision + 1) {
			fail(incarnation + " applied revision " + change.revision() + " after " + log.revision + " (a gap or a repeat)",
					null);
		}
		NodeLog.Change known = this.reference.putIfAbsent(change.revision(), change);
		if (known != null && !known.equals(change)) {
			fail("DIVERGENCE at revision " + change.revision() + ": " + incarnation + " applied " + change
					+ " but another process applied " + known, null);
		}
		log.change(change.revision(), change.key(), change.value(), change.origin(), change.seq());
		checkFingerprint(incarnation);
	}

	private void snapshotApplied(Incarnation incarnation, long revision, Map<String, String> entries) {
		trace(incarnation + " applied a snapshot of " + entries.size() + " keys at revision " + revision);
		incarnation.log.snapshot(revision, entries);
		checkFingerprint(incarnation);
	}

	private void checkFingerprint(Incarnation incarnation) {
		NodeLog log = incarnation.log;
		Long known = this.fingerprints.putIfAbsent(log.revision, log.fingerprint);
		if (known != null && known != log.fingerprint) {
			fail("SAME REVISION, DIFFERENT MAP: " + incarnation + " at revision " + log.revision + " holds " + log.map()
					+ ", which differs from what another process held at that revision", null);
		}
	}

	private void checkMasters() {
		Map<Long, Incarnation> masters = new HashMap<>();
		for (Incarnation incarnation : this.incarnations) {
			if (incarnation.alive && incarnation.node != null && incarnation.node.role() == Role.MASTER) {
				Incarnation other = masters.put(incarnation.node.epoch(), incarnation);
				if (other != null) {
					fail("TWO MASTERS in epoch " + incarnation.node.epoch() + ": " + other + " and " + incarnation, null);
				}
			}
		}
	}

	// the end

	private void checkEnd() {
		List<Incarnation> up = live();
		StringBuilder states = new StringBuilder();
		for (Incarnation incarnation : up) {
			states.append("\n  ").append(incarnation).append(describeRole(incarnation)).append(" revision ")
				.append(incarnation.log.revision).append(", ").append(incarnation.log.map());
		}
		Incarnation first = up.get(0);
		for (Incarnation incarnation : up) {
			if (incarnation.node == null || !incarnation.node.replica().isReady()
					|| incarnation.log.revision != first.log.revision
					|| incarnation.log.fingerprint != first.log.fingerprint
					|| incarnation.node.replica().revision() != incarnation.log.revision) {
				fail("NO CONVERGENCE " + Duration.ofNanos(this.options.quiesce().toNanos()).toSeconds()
						+ " s after healing:" + states, null);
				return;
			}
		}
		int masters = 0;
		for (Incarnation incarnation : up) {
			if (incarnation.node.role() == Role.MASTER) {
				masters++;
			}
		}
		if (masters != 1) {
			fail(masters + " masters after healing:" + states, null);
			return;
		}
		for (Await await : this.awaits) {
			if (await.incarnation.alive && !await.future.isDone()
					&& await.incarnation.log.revision >= await.target) {
				fail("LOST WAKE-UP: awaitRevision(" + await.target + ") on " + await.incarnation
						+ " never completed, though it is at revision " + await.incarnation.log.revision, null);
				return;
			}
		}
		for (Incarnation incarnation : this.incarnations) {
			if (!incarnation.alive) {
				incarnation.log.lostFrom = firstDifference(incarnation.log);
			}
		}
		List<Anomaly> anomalies = this.history.check(this.incarnations);
		if (!anomalies.isEmpty()) {
			fail(anomalies.size() + " anomalies in the history; the first: " + anomalies.get(0), null);
		}
	}

	/** The first revision at which a log holds another change than the group kept. */
	private long firstDifference(NodeLog log) {
		for (NodeLog.Item item : log.items) {
			if (item instanceof NodeLog.Change change) {
				NodeLog.Change kept = this.reference.get(change.revision());
				if (kept != null && !kept.equals(change)) {
					return change.revision();
				}
			}
		}
		return Long.MAX_VALUE;
	}

	// helpers for the pieces

	SimDisk disk(String path) {
		return this.disks.computeIfAbsent(path, (key) -> new SimDisk(key, this.random));
	}

	/** How long a frame takes: mostly tens of microseconds, sometimes milliseconds. */
	long networkDelay() {
		int dice = this.random.nextInt(100);
		if (dice < 80) {
			return 10_000 + this.random.nextInt(90_000);
		}
		if (dice < 98) {
			return 100_000 + this.random.nextInt(2_000_000);
		}
		return 2_000_000 + this.random.nextInt(30_000_000);
	}

	/** How long before a runner takes its next batch. */
	long runnerDelay() {
		return this.random.nextInt(50_000);
	}

	List<Incarnation> live() {
		List<Incarnation> up = new ArrayList<>();
		for (SimProcess process : this.processes) {
			if (process.isUp()) {
				up.add(process.current);
			}
		}
		return up;
	}

	private static String describeRole(Incarnation incarnation) {
		DefaultGlobalValNode node = incarnation.node;
		return (node != null) ? " (" + node.role() + ", epoch " + node.epoch() + ")" : " (starting)";
	}

	void trace(String line) {
		if (this.options.trace()) {
			this.traceLines.add(String.format("%10.3f ms  %s", this.scheduler.now() / 1e6, line));
		}
	}

	/** The highest epoch any live node has reached: it grows with every takeover. */
	private long highestEpoch() {
		long highest = 0;
		for (Incarnation incarnation : this.incarnations) {
			if (incarnation.node != null) {
				highest = Math.max(highest, incarnation.node.epoch());
			}
		}
		return highest;
	}

	void engineFailure(String what, Throwable ex) {
		fail("ENGINE ERROR: " + what + ": " + ex, ex);
	}

	private void fail(String message, Throwable ex) {
		if (this.failure == null) {
			this.failure = String.format("at %.3f ms: %s", this.scheduler.now() / 1e6, message);
			trace("FAILURE: " + message);
			if (ex != null && this.options.trace()) {
				java.io.StringWriter stack = new java.io.StringWriter();
				ex.printStackTrace(new java.io.PrintWriter(stack));
				this.traceLines.add(stack.toString());
			}
		}
	}

	private static long millis(long millis) {
		return millis * 1_000_000;
	}

	private static byte[] bytes(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private record Await(Incarnation incarnation, long target, CompletableFuture<Long> future) {
	}

}
