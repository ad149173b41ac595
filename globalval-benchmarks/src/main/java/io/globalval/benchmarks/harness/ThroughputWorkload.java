package io.globalval.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.JsonNode;

import static io.globalval.benchmarks.harness.Figures.field;
import static io.globalval.benchmarks.harness.Figures.round;
import static io.globalval.benchmarks.harness.Figures.sum;

/**
 * Workload T: {@code --U} updates of ten keys, written as fast as possible by one writer
 * ({@code 1w}) and then by every worker ({@code nw}), each mode in a fresh group, until
 * every process saw every update; one line with the rate, the CPU and the failures of
 * both modes.
 */
final class ThroughputWorkload extends Workload {

	private static final Logger logger = LoggerFactory.getLogger(ThroughputWorkload.class);

	/** Idle time after an unmeasured phase ({@code --T-warm}). */
	private static final long WARM_PHASE_PAUSE_MILLIS = 2000;

	ThroughputWorkload(Harness harness) {
		super(harness, "T");
	}

	@Override
	void run(String system) {
		Map<String, Object> line = line(system);
		line.put("K", 10);
		line.put("N", options().workers);
		for (String mode : List.of("1w", "nw")) {
			try {
				run(system, mode, line);
			}
			catch (RuntimeException ex) {
				logger.warn("run {}: {} T {} failed", harness().currentRun(), system, mode, ex);
				line.put("updates_per_s_" + mode, null);
				line.put("error_" + mode, String.valueOf(ex.getMessage()));
			}
		}
		emit(line);
	}

	private void run(String system, String mode, Map<String, Object> line) {
		HarnessOptions options = options();
		int n = options.workers;
		int updates = options.throughputUpdates;
		int writerCount = "1w".equals(mode) ? 1 : n;
		int per = updates / writerCount;
		String jfr = (system.startsWith("globalval") && options.jfrDirectory != null)
				? system + "-T-" + mode + "-run" + harness().currentRun() : null;
		try (SystemGroup group = harness().startGroup(system, 10, jfr)) {
			List<ChildProcess> writers = group.workers.subList(0, writerCount);
			warm(group, writers);
			if (options.throughputWarmUpdates > 0) {
				// the same phase unmeasured, then idle: the JIT finishes what it queued (JMH's warm-up iterations)
				Phase warmUp = phase(group, writers, updates, options.throughputWarmUpdates / writerCount);
				line.put("warm_phase_s_" + mode, warmUp.done() ? round(warmUp.elapsedNanos() / 1e9, 3) : null);
				pause(WARM_PHASE_PAUSE_MILLIS);
			}
			Phase phase = phase(group, writers, 0, per);
			List<JsonNode> before = phase.cpuBefore();
			List<JsonNode> after = phase.cpuAfter();
			long redisCpu = phase.redisCpuNanos();
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
			long enqueue = 0;
			int setsDone = 0;
			for (JsonNode w : phase.wrote()) {
				enqueue = Math.max(enqueue, w.get("t1").asLong() - w.get("t0").asLong());
				setsDone += w.get("n").asInt();
			}
			boolean done = phase.done();
			int minSeen = Integer.MAX_VALUE;
			int failed = 0;
			for (JsonNode s : phase.seen()) {
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
				double seconds = phase.elapsedNanos() / 1e9;
				line.put("elapsed_s_" + mode, round(seconds, 3));
				line.put("updates_per_s_" + mode, Math.round(total / seconds));
			}
			else {
				line.put("updates_per_s_" + mode, null);
				line.put("cap_s", options.capSeconds);
				line.put("visible_to_all_by_cap_" + mode, minSeen);
				line.put("updates_per_s_before_cap_" + mode, Math.round(minSeen / (double) options.capSeconds));
			}
		}
	}

	/**
	 * Run one phase: arm every worker, let the writers write {@code per} updates each from
	 * half a second on, and wait until every worker saw them all or the cap passed. Writer
	 * {@code j} writes the values numbered from {@code first + j * per}, so that two phases
	 * write different values.
	 */
	private Phase phase(SystemGroup group, List<ChildProcess> writers, int first, int per) {
		HarnessOptions options = options();
		int n = options.workers;
		int writerCount = writers.size();
		StringBuilder spec = new StringBuilder();
		for (int j = 0; j < writerCount; j++) {
			spec.append((j > 0) ? "," : "")
				.append(j)
				.append(':')
				.append(first + j * per)
				.append(':')
				.append(first + (j + 1) * per);
		}
		List<CompletableFuture<JsonNode>> armed = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			armed.add(group.workers.get(i)
				.send((i < writerCount)
						? new ChildCommand.ThroughputArm(spec.toString(), first + i * per, first + (i + 1) * per)
						: new ChildCommand.ThroughputArm(spec.toString())));
		}
		for (int i = 0; i < n; i++) {
			group.workers.get(i).get(armed.get(i), ChildCommand.Verb.THROUGHPUT_ARM.wireName(), 60_000);
		}
		List<JsonNode> before = group.cpuSnapshot();
		long redisCpuBefore = group.redisCpuNanos();
		long startAt = System.nanoTime() + SECOND_NANOS / 2;
		long deadline = startAt + options.capSeconds * SECOND_NANOS;
		ChildCommand go = new ChildCommand.ThroughputGo(startAt, deadline);
		List<CompletableFuture<JsonNode>> wrote = new ArrayList<>();
		for (ChildProcess writer : writers) {
			wrote.add(writer.send(go));
		}
		long waitMillis = (deadline - System.nanoTime()) / 1_000_000 + 60_000;
		List<JsonNode> seen = ChildProcess.callAll(group.workers, waitMillis,
				new ChildCommand.ThroughputResult(deadline));
		List<JsonNode> after = group.cpuSnapshot();
		long redisCpu = group.redisCpuNanos() - redisCpuBefore;
		List<JsonNode> written = new ArrayList<>();
		for (int i = 0; i < writers.size(); i++) {
			written.add(writers.get(i).get(wrote.get(i), go.verb().wireName(), 60_000));
		}
		return new Phase(before, after, redisCpu, written, seen);
	}

	/** What one phase measured: CPU around it, each writer's answer, each worker's arrivals. */
	private record Phase(List<JsonNode> cpuBefore, List<JsonNode> cpuAfter, long redisCpuNanos, List<JsonNode> wrote,
			List<JsonNode> seen) {

		/** Whether every worker saw every update before the cap. */
		boolean done() {
			return this.seen.stream().allMatch((s) -> s.get("done").asBoolean());
		}

		/** From the first set to the last arrival anywhere; only when {@link #done()}. */
		long elapsedNanos() {
			long t0 = Long.MAX_VALUE;
			for (JsonNode w : this.wrote) {
				t0 = Math.min(t0, w.get("t0").asLong());
			}
			long tDone = 0;
			for (JsonNode s : this.seen) {
				tDone = Math.max(tDone, s.get("tDone").asLong());
			}
			return tDone - t0;
		}

	}

}
