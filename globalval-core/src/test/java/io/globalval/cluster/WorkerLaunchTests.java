package io.globalval.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WorkerLaunchTests {

	@Test
	void eachWorkerGetsItsPortsAfterTheCommand() {
		WorkerLaunch launch = launch(new WorkerPort("server.port", 8081), new WorkerPort("management.server.port", 9001));
		assertThat(launch.command(1)).containsExactly("java", "-cp", "app", "Main", "--a=1", "--server.port=8081",
				"--management.server.port=9001");
		assertThat(launch.command(3)).endsWith("--server.port=8083", "--management.server.port=9003");
	}

	@Test
	void withoutPortsEveryWorkerGetsTheCommandAsItIs() {
		assertThat(launch().command(2)).containsExactly("java", "-cp", "app", "Main", "--a=1");
	}

	@Test
	void anyFreePortAndNoPortAreTheSameForEveryWorker() {
		assertThat(new WorkerPort("server.port", 0).argument(3)).isEqualTo("--server.port=0");
		assertThat(new WorkerPort("management.server.port", -1).argument(2)).isEqualTo("--management.server.port=-1");
	}

	@Test
	void portNeedsAProperty() {
		assertThatIllegalArgumentException().isThrownBy(() -> new WorkerPort(" ", 8080))
			.withMessage("'property' must not be blank");
	}

	private static WorkerLaunch launch(WorkerPort... ports) {
		return new WorkerLaunch(3, List.of("java", "-cp", "app", "Main", "--a=1"), Map.of(), List.of(ports),
				Duration.ofSeconds(1), 5, Duration.ofSeconds(10), WorkerOutput.LOG);
	}

}
