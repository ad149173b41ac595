package io.globalval.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample in cluster mode as real processes, started from the test classpath: the
 * workers' ports when the master has {@code -Dserver.port} and a management port, and
 * what becomes of the workers when the master is killed with SIGKILL, with
 * {@code globalval.cluster.exit-with-parent} on and off.
 */
class SampleClusterProcessesTests {

	private static final Duration STARTUP = Duration.ofSeconds(180);

	/** Small and quick to start: the workers get these options too. */
	private static final List<String> JVM_OPTIONS = List.of("-Xmx192m", "-XX:TieredStopAtLevel=1",
			"-XX:+UseSerialGC");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path directory;

	private final List<Process> started = new ArrayList<>();

	private final List<ProcessHandle> descendants = new ArrayList<>();

	@AfterEach
	void killEverything() throws InterruptedException {
		for (Process process : this.started) {
			process.descendants().forEach(this.descendants::add);
		}
		this.descendants.forEach(ProcessHandle::destroyForcibly);
		for (Process process : this.started) {
			process.destroyForcibly();
			process.waitFor(20, TimeUnit.SECONDS);
		}
		for (ProcessHandle handle : this.descendants) {
			handle.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally((ex) -> handle).join();
		}
	}

	@Test
	void workersListenOnPortsAfterTheMastersServerAndManagementPorts() throws Exception {
		int port = freePorts(3);
		int managementPort = freePorts(3, port);
		Path log = this.directory.resolve("master.log");
		Process master = start(log, List.of("-Dserver.port=" + port), "--management.server.port=" + managementPort,
				"--globalval.cluster.workers=2");
		for (int worker = 1; worker <= 2; worker++) {
			int workerPort = port + worker;
			Map<String, Object> values = await().atMost(STARTUP)
				.ignoreExceptions()
				.until(() -> get(workerPort, "/values"), (answer) -> answer != null);
			assertThat(process(values)).containsEntry("role", "WORKER").containsEntry("port", workerPort);
			this.descendants.add(ProcessHandle.of(pid(values)).orElseThrow());
			awaitHealthUp(managementPort + worker);
		}
		Map<String, Object> onMaster = get(port, "/values");
		assertThat(process(onMaster)).containsEntry("role", "MASTER").containsEntry("port", port);
		assertThat(pid(onMaster)).isEqualTo(master.pid());
		awaitHealthUp(managementPort);
		assertThat(Files.readString(log)).contains("io.globalval.cluster.worker.worker-1",
				"io.globalval.cluster.worker.worker-2");
	}

	@Test
	void workersExitWhenTheMasterIsKilled() throws Exception {
		int port = freePorts(3);
		Process master = start(this.directory.resolve("master.log"), List.of("-Dserver.port=" + port),
				"--globalval.cluster.workers=2");
		List<ProcessHandle> workers = awaitWorkers(port, 2);
		assertThat(master.descendants().toList()).containsAll(workers);
		master.destroyForcibly();
		assertThat(master.waitFor(20, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(workers).noneMatch(ProcessHandle::isAlive));
	}

	@Test
	void withoutExitWithParentWorkersOutliveAKilledMasterAndOneTakesOver() throws Exception {
		int port = freePorts(3);
		List<String> options = List.of("-Dserver.port=" + port);
		String[] arguments = { "--globalval.cluster.workers=2", "--globalval.cluster.exit-with-parent=false" };
		Process master = start(this.directory.resolve("master.log"), options, arguments);
		List<ProcessHandle> workers = awaitWorkers(port, 2);
		long revision = ((Number) put(port + 1, "/values/color", "{\"name\":\"teal\"}").get("changeRevision")).longValue();
		master.destroyForcibly();
		assertThat(master.waitFor(20, TimeUnit.SECONDS)).isTrue();

		await().atMost(STARTUP).ignoreExceptions().untilAsserted(() -> {
			List<Object> roles = List.of(process(get(port + 1, "/values")).get("role"),
					process(get(port + 2, "/values")).get("role"));
			assertThat(roles).containsExactlyInAnyOrder("MASTER", "WORKER");
		});
		assertThat(workers).allMatch(ProcessHandle::isAlive);
		for (int worker = 1; worker <= 2; worker++) {
			assertThat(get(port + worker, "/values/color?revision=" + revision).get("value"))
				.isEqualTo(Map.of("name", "teal"));
		}

		// the same command again: a plain worker of the new master, on the old master's port
		Process again = start(this.directory.resolve("again.log"), options, arguments);
		Map<String, Object> onAgain = await().atMost(STARTUP)
			.ignoreExceptions()
			.until(() -> get(port, "/values"), (answer) -> answer != null);
		assertThat(process(onAgain)).containsEntry("role", "WORKER");
		assertThat(pid(onAgain)).isEqualTo(again.pid());
		assertThat(get(port, "/values/color").get("value")).isEqualTo(Map.of("name", "teal"));
		assertThat(again.descendants().toList()).isEmpty();
	}

	private Process start(Path log, List<String> jvmOptions, String... arguments) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(JVM_OPTIONS);
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SampleApplication.class.getName());
		command.add("--globalval.uds.directory=" + this.directory.resolve("uds"));
		command.add("--globalval.cluster.restart-backoff=100ms");
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		this.started.add(process);
		return process;
	}

	/** The workers' processes, once each serves on its port after the master's. */
	private List<ProcessHandle> awaitWorkers(int port, int workers) {
		List<ProcessHandle> handles = new ArrayList<>();
		for (int worker = 1; worker <= workers; worker++) {
			int workerPort = port + worker;
			Map<String, Object> values = await().atMost(STARTUP)
				.ignoreExceptions()
				.until(() -> get(workerPort, "/values"), (answer) -> answer != null);
			assertThat(process(values)).containsEntry("role", "WORKER");
			ProcessHandle handle = ProcessHandle.of(pid(values)).orElseThrow();
			this.descendants.add(handle);
			handles.add(handle);
		}
		return handles;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> get(int port, String path) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
		return (response.statusCode() == 200) ? this.json.readValue(response.body(), Map.class) : null;
	}

	/** Wait until the health endpoint on a port says UP: the management server starts after the application's. */
	private void awaitHealthUp(int port) {
		await().atMost(STARTUP)
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(health(port)).startsWith("200 ").contains("\"status\":\"UP\""));
	}

	private String health(int port) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
		return response.statusCode() + " " + response.body();
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> put(int port, String path, String body) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return this.json.readValue(response.body(), Map.class);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> process(Map<String, Object> answer) {
		return (Map<String, Object>) answer.get("process");
	}

	private static long pid(Map<String, Object> answer) {
		return ((Number) process(answer).get("pid")).longValue();
	}

	/** The first of {@code count} consecutive free ports, none of them among {@code taken} to taken + 2. */
	/**
	 * Consecutive free ports below Linux's ephemeral range (32768 and up), so that no process
	 * given a port by the system (a test of the other Surefire fork binding port 0, an
	 * outgoing connection) takes one of them between this check and the workers' start.
	 */
	private static int freePorts(int count, int... taken) throws IOException {
		for (int attempt = 0; attempt < 200; attempt++) {
			int first = ThreadLocalRandom.current().nextInt(20_000, 32_000 - count);
			if (overlaps(first, count, taken)) {
				continue;
			}
			if (allFree(first, count)) {
				return first;
			}
		}
		throw new IOException("No " + count + " consecutive free ports found");
	}

	private static boolean overlaps(int first, int count, int[] taken) {
		for (int other : taken) {
			if (first < other + count && other < first + count) {
				return true;
			}
		}
		return false;
	}

	private static boolean allFree(int first, int count) {
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			for (int port = first; port < first + count; port++) {
				sockets.add(new ServerSocket(port));
			}
			return true;
		}
		catch (IOException ex) {
			return false;
		}
		finally {
			for (ServerSocket socket : sockets) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// closing a probe socket: nothing to do
				}
			}
		}
	}

}
