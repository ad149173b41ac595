package io.globalval.processes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real Spring Boot processes of one application, each a JVM running
 * {@link ReplicationProcessApplication} on a socket directory in {@code @TempDir}.
 */
class MultiProcessReplicationTests {

	/** Generous: three JVMs start a Spring Boot application at once on a small machine. */
	private static final Duration STARTUP = Duration.ofSeconds(120);

	private static final Duration ANSWER = Duration.ofSeconds(20);

	@TempDir
	Path directory;

	private final List<Child> children = new ArrayList<>();

	@AfterEach
	void destroyChildren() throws InterruptedException {
		for (Child child : this.children) {
			child.process.destroyForcibly();
		}
		for (Child child : this.children) {
			child.process.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void setInAWorkerIsSeenByAllProcessesInRevisionOrder() throws Exception {
		for (String name : List.of("p1", "p2", "p3")) {
			this.children.add(Child.start(name, this.directory));
		}
		List<String> readyLines = new ArrayList<>();
		for (Child child : this.children) {
			readyLines.add(child.awaitLine("ready ", STARTUP));
		}
		// role auto: exactly one master; every runner saw a ready template
		assertThat(readyLines).filteredOn((line) -> line.contains("role=MASTER")).hasSize(1);
		assertThat(readyLines).filteredOn((line) -> line.contains("role=WORKER")).hasSize(2);
		assertThat(readyLines).allMatch((line) -> line.endsWith("ready=true"));
		List<Child> workers = new ArrayList<>();
		for (int i = 0; i < this.children.size(); i++) {
			if (readyLines.get(i).contains("role=WORKER")) {
				workers.add(this.children.get(i));
			}
		}

		assertThat(workers.get(0).request("set greeting hello", "set ")).isEqualTo("set greeting 1");
		assertThat(workers.get(0).request("set other 42", "set ")).isEqualTo("set other 2");
		assertThat(workers.get(1).request("set greeting bye", "set ")).isEqualTo("set greeting 3");

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
	}

	/**
	 * A child JVM and the lines it printed.
	 */
	static final class Child {

		final String name;

		final Process process;

		private final Writer stdin;

		private final List<String> log = new CopyOnWriteArrayList<>();

		private final List<String> replies = new CopyOnWriteArrayList<>();

		private final AtomicInteger consumed = new AtomicInteger();

		private Child(String name, Process process) {
			this.name = name;
			this.process = process;
			this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
			Thread reader = new Thread(this::read, "child-" + name);
			reader.setDaemon(true);
			reader.start();
		}

		static Child start(String name, Path directory) throws IOException {
			return start(name, List.of("--globalval.uds.directory=" + directory));
		}

		/**
		 * Start a process of the application {@code processes}.
		 * @param name its node name
		 * @param arguments more application arguments, such as the transport's
		 * @return the child
		 */
		static Child start(String name, List<String> arguments) throws IOException {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
					"-Xmx256m", "-cp", System.getProperty("java.class.path"),
					ReplicationProcessApplication.class.getName(), "--globalval.name=processes",
					"--globalval.node-name=" + name, "--globalval.startup-timeout=100s", "--spring.main.banner-mode=off",
					"--logging.level.root=WARN", "--logging.level.io.globalval=INFO"));
			command.addAll(arguments);
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			return new Child(name, process);
		}

		private void read() {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					if (line.startsWith(ReplicationProcessApplication.PREFIX)) {
						this.replies.add(line.substring(ReplicationProcessApplication.PREFIX.length()));
					}
					else {
						this.log.add(line);
					}
				}
			}
			catch (IOException ex) {
				this.log.add("(reading the output failed: " + ex + ")");
			}
		}

		String request(String command, String replyPrefix) throws IOException {
			send(command);
			return awaitLine(replyPrefix, ANSWER);
		}

		/** Send a command without waiting for its reply (read it with {@link #awaitLine}). */
		void send(String command) throws IOException {
			this.stdin.write(command + "\n");
			this.stdin.flush();
		}

		/** Wait for the next reply, which must start with a prefix. */
		String awaitLine(String prefix, Duration atMost) {
			int index = this.consumed.get();
			await().atMost(atMost)
				.alias(this.name + " answering '" + prefix + "'")
				.until(() -> this.replies.size() > index || !this.process.isAlive());
			assertThat(this.replies.size()).as("%s exited with %s; its output:%n%s", this.name,
					this.process.isAlive() ? "nothing" : this.process.exitValue(), String.join("\n", this.log))
				.isGreaterThan(index);
			String reply = this.replies.get(index);
			this.consumed.incrementAndGet();
			assertThat(reply).as("reply of %s; its output:%n%s", this.name, String.join("\n", this.log))
				.startsWith(prefix);
			return reply;
		}

	}

}
