package io.globalval.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GlobalValParentWatch}, with a {@code sleep} process as the master.
 */
class GlobalValParentWatchTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final AtomicInteger exits = new AtomicInteger();

	private Process parent;

	private GlobalValParentWatch watch;

	@AfterEach
	void stop() throws InterruptedException {
		if (this.watch != null) {
			this.watch.stop();
		}
		if (this.parent != null) {
			this.parent.destroyForcibly();
			this.parent.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void workerExitsWhenItsParentIsKilled() throws IOException {
		this.parent = new ProcessBuilder("sleep", "60").start();
		this.watch = new GlobalValParentWatch(this.parent.pid(), this.exits::incrementAndGet);
		this.watch.start();
		assertThat(this.watch.isRunning()).isTrue();
		assertThat(this.exits).hasValue(0);
		this.parent.destroyForcibly();
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.exits).hasValue(1));
	}

	@Test
	void workerExitsAtOnceWhenItsParentIsAlreadyGone() throws Exception {
		this.parent = new ProcessBuilder("sleep", "60").start();
		this.parent.destroyForcibly();
		assertThat(this.parent.waitFor(10, TimeUnit.SECONDS)).isTrue();
		this.watch = new GlobalValParentWatch(this.parent.pid(), this.exits::incrementAndGet);
		this.watch.start();
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.exits).hasValue(1));
	}

	@Test
	void workerThatStoppedIgnoresItsParentsExit() throws IOException {
		this.parent = new ProcessBuilder("sleep", "60").start();
		this.watch = new GlobalValParentWatch(this.parent.pid(), this.exits::incrementAndGet);
		this.watch.start();
		this.watch.stop();
		this.parent.destroyForcibly();
		await().atMost(WAIT).until(() -> !this.parent.isAlive());
		await().during(Duration.ofMillis(500)).atMost(WAIT).untilAsserted(() -> assertThat(this.exits).hasValue(0));
	}

}
