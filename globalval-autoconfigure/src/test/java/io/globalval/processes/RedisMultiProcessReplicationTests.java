package io.globalval.processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.processes.MultiProcessReplicationTests.Child;
import io.globalval.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Spring Boot processes of one application on the Redis transport
 * ({@code globalval.transport=redis}, {@code spring.data.redis.*}), each a JVM running
 * {@link ReplicationProcessApplication} with no socket directory in common: every one is
 * a peer of a redis-server on a free loopback port.
 */
class RedisMultiProcessReplicationTests {

	/** Generous: three JVMs start a Spring Boot application at once on a small machine. */
	private static final Duration STARTUP = Duration.ofSeconds(120);

	private static final Duration ANSWER = Duration.ofSeconds(30);

	private static final int INCREMENTS_PER_PROCESS = 50;

	@TempDir
	Path directory;

	private RedisServer redis;

	private final List<Child> children = new ArrayList<>();

	@BeforeEach
	void startRedis() throws Exception {
		this.redis = RedisServer.start(this.directory);
	}

	@AfterEach
	void destroyChildrenAndRedis() throws InterruptedException {
		for (Child child : this.children) {
			child.process.destroyForcibly();
		}
		for (Child child : this.children) {
			child.process.waitFor(10, TimeUnit.SECONDS);
		}
		this.redis.close();
	}

	@Test
	void setInOnePeerIsSeenByAllInRevisionOrderAndIncrementsAreExact() throws Exception {
		for (String name : List.of("p1", "p2", "p3")) {
			// each its own socket directory: nothing in common but Redis
			this.children.add(Child.start(name,
					List.of("--globalval.transport=redis", "--spring.data.redis.host=127.0.0.1",
							"--spring.data.redis.port=" + this.redis.port(), "--globalval.redis.block-timeout=500ms",
							"--globalval.uds.directory=" + this.directory.resolve("uds-" + name))));
		}
		for (Child child : this.children) {
			assertThat(child.awaitLine("ready ", STARTUP)).as(child.name).isEqualTo("ready role=PEER ready=true");
		}
		Child p1 = this.children.get(0);
		Child p2 = this.children.get(1);
		Child p3 = this.children.get(2);

		assertThat(p1.request("set greeting hello", "set ")).isEqualTo("set greeting 1");
		assertThat(p2.request("set other 42", "set ")).isEqualTo("set other 2");
		assertThat(p3.request("set greeting bye", "set ")).isEqualTo("set greeting 3");
		for (Child child : this.children) {
			assertThat(child.request("await 3", "at ")).startsWith("at ");
			assertThat(child.request("events", "events")).as(child.name)
				.isEqualTo("events greeting@1=hello other@2=42 greeting@3=bye");
			assertThat(child.request("greetings", "greetings")).as(child.name)
				.isEqualTo("greetings greeting@1=hello greeting@3=bye");
			List<String> threads = Arrays.asList(child.request("threads", "threads").split(" "));
			assertThat(threads.subList(1, threads.size())).as(child.name)
				.hasSize(3)
				.allMatch((thread) -> thread.startsWith("globalval-events-"));
		}

		// all three at once: Redis sequences the increments, none is lost or applied twice
		for (Child child : this.children) {
			child.send("increment counter " + INCREMENTS_PER_PROCESS);
		}
		for (Child child : this.children) {
			assertThat(child.awaitLine("incremented counter ", ANSWER)).as(child.name).startsWith("incremented ");
		}
		long total = 3L * INCREMENTS_PER_PROCESS;
		long lastRevision = 3 + total;
		String counterEvents = LongStream.rangeClosed(1, total)
			.mapToObj((value) -> "counter@" + (3 + value) + "=" + value)
			.collect(Collectors.joining(" "));
		for (Child child : this.children) {
			assertThat(child.request("await " + lastRevision, "at ")).isEqualTo("at " + lastRevision);
			assertThat(child.request("get counter", "value ")).as(child.name).isEqualTo("value counter " + total);
			// every process saw every increment, in revision order, each value once
			assertThat(child.request("events", "events")).as(child.name)
				.isEqualTo("events greeting@1=hello other@2=42 greeting@3=bye " + counterEvents);
		}
	}

}
