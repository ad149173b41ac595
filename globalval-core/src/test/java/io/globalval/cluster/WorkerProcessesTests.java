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

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final List<String> output = new CopyOnWriteArrayList<>();

	private WorkerProcesses processes;

	@AfterEach
	void stop() {
		if (this.processes != null) {
			this.processes.stop();
		}
	}

	private WorkerProcesses start(int workers, WorkerOutput output, int maxRestartsPerMinute, String... arguments) {
		List<String> command = CurrentJvm.command(EchoWorkerMain.class.getName(), List.of(arguments));
		WorkerLaunch launch = new WorkerLaunch(workers, command, Map.of("EXTRA", "yes"),
				List.of(new WorkerPort("server.port", 9100), new WorkerPort("management.server.port", 0)),
				Duration.ofMillis(50), maxRestartsPerMinute, Duration.ofSeconds(5), output);
		this.processes = new WorkerProcesses(launch, (worker, line) -> this.output.add(worker + ": " + line));
		this.processes.start();
		return this.processes;
	}

	private WorkerProcesses start(int workers) {
		return start(workers, WorkerOutput.LOG, 5, "--a=1", "b");
	}

	@Test
	void workersStartWithTheirIndexArgumentsAndPortsAndTheirOutputIsNamed() {
		start(2);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.output).contains(
				"worker-1: hello from 1 with --a=1,b,--server.port=9100,--management.server.port=0",
				"worker-2: hello from 2 with --a=1,b,--server.port=9101,--management.server.port=0"));
	}

	@Test
	void workerThatDiesIsRestarted() {
		WorkerProcesses processes = start(1);
		await().atMost(WAIT).until(() -> processes.pids().get(0) != 0);
		long first = processes.pids().get(0);
		assertThat(processes.status()).containsExactly(new WorkerStatus("worker-1", WorkerStatus.State.RUNNING, first, 0));
		ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);
		await().atMost(WAIT).untilAsserted(() -> assertThat(processes.pids().get(0)).isNotZero().isNotEqualTo(first));
		assertThat(processes.restartCounts()).containsExactly(1);
	}

	@Test
	void workerThatKeepsExitingIsGivenUpOn() {
		WorkerProcesses processes = start(1, WorkerOutput.LOG, 2, "exit");
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(processes.status())
				.containsExactly(new WorkerStatus("worker-1", WorkerStatus.State.GAVE_UP, 0, 2)));
		assertThat(processes.pids()).containsExactly(0L);
	}

	@Test
	void inheritedOutputIsNotForwarded() {
		WorkerProcesses processes = start(1, WorkerOutput.INHERIT, 5, "quiet");
		await().atMost(WAIT).until(() -> processes.pids().get(0) != 0);
		long pid = processes.pids().get(0);
		assertThat(ProcessHandle.of(pid).flatMap((handle) -> handle.info().arguments()).orElseThrow())
			.contains("quiet", "--server.port=9100");
		assertThat(this.output).isEmpty();
	}

	@Test
	void stopLeavesNoWorkerRunning() {
		WorkerProcesses processes = start(3);
		await().atMost(WAIT).until(() -> processes.pids().stream().allMatch((pid) -> pid != 0));
		List<Long> pids = processes.pids();
		processes.stop();
		for (long pid : pids) {
			Optional<ProcessHandle> handle = ProcessHandle.of(pid);
			assertThat(handle.map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
		}
		assertThat(processes.status()).extracting(WorkerStatus::state).containsOnly(WorkerStatus.State.STOPPED);
	}

}
