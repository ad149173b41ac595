package io.globalval.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WorkerProcessesTests {

	private final List<String> output = new CopyOnWriteArrayList<>();

	private WorkerProcesses processes;

	@AfterEach
	void stop() {
		if (this.processes != null) {
			this.processes.stop();
		}
	}

	private WorkerProcesses start(int workers) {
		List<String> command = CurrentJvm.command(EchoWorkerMain.class.getName(), List.of("--a=1", "b"));
		WorkerLaunch launch = new WorkerLaunch(workers, command, Map.of("EXTRA", "yes"), 9100,
				Duration.ofMillis(50), 5, Duration.ofSeconds(5));
		this.processes = new WorkerProcesses(launch, this.output::add);
		this.processes.start();
		return this.processes;
	}

	@Test
	void workersStartWithTheirIndexPortAndArgumentsAndTheirOutputIsPrefixed() {
		start(2);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.output).contains(
				"[worker-1] hello from 1 on port 9100 with --a=1,b", "[worker-2] hello from 2 on port 9101 with --a=1,b"));
	}

	@Test
	void workerThatDiesIsRestarted() {
		WorkerProcesses processes = start(1);
		await().atMost(Duration.ofSeconds(20)).until(() -> processes.pids().get(0) != 0);
		long first = processes.pids().get(0);
		ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(processes.pids().get(0)).isNotZero().isNotEqualTo(first));
		assertThat(processes.restartCounts()).containsExactly(1);
	}

	@Test
	void stopLeavesNoWorkerRunning() {
		WorkerProcesses processes = start(3);
		await().atMost(Duration.ofSeconds(20)).until(() -> processes.pids().stream().allMatch((pid) -> pid != 0));
		List<Long> pids = processes.pids();
		processes.stop();
		for (long pid : pids) {
			Optional<ProcessHandle> handle = ProcessHandle.of(pid);
			assertThat(handle.map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
		}
	}

}
