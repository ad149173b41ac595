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
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample in cluster mode: one {@code java -jar} starts a master and two
 * workers that share values over HTTP and rebind their {@code @ConfigurationProperties}
 * after one PUT of a {@code config.*} value (refusing a value that does not bind),
 * restarts a killed worker, which starts with the shared settings, and leaves no
 * process behind when it stops.
 */
class SampleClusterIT {

	private static final Duration STARTUP = Duration.ofSeconds(120);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path directory;

	private Process master;

	private final List<Long> workerPids = new ArrayList<>();

	@AfterEach
	void killEverything() throws InterruptedException {
		for (long pid : this.workerPids) {
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		}
		if (this.master != null) {
			this.master.descendants().forEach(ProcessHandle::destroyForcibly);
			this.master.destroyForcibly();
			this.master.waitFor(20, TimeUnit.SECONDS);
		}
	}

	@Test
	void masterWithTwoWorkersSharesValuesAndSettingsRestartsAWorkerAndLeavesNothingBehind() throws Exception {
		int masterPort = freePort();
		int basePort = freePortPair();
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Path log = Files.createTempFile(this.directory, "sample", ".log");
		this.master = new ProcessBuilder(java, "-jar", System.getProperty("sample.jar"), "--server.port=" + masterPort,
				"--globalval.cluster.workers=2", "--globalval.cluster.base-port=" + basePort,
				"--globalval.cluster.restart-backoff=100ms", "--globalval.uds.directory=" + this.directory.resolve("uds"))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		int worker1 = basePort;
		int worker2 = basePort + 1;
		Map<String, Object> first = await().atMost(STARTUP)
			.ignoreExceptions()
			.until(() -> get(worker1, "/values"), (answer) -> answer != null);
		await().atMost(STARTUP).ignoreExceptions().until(() -> get(worker2, "/values"), (answer) -> answer != null);
		this.workerPids.add(pid(first));

		Map<String, Object> written = put(worker1, "/values/color", "{\"name\":\"teal\"}");
		assertThat(process(written)).containsEntry("role", "WORKER").containsEntry("port", worker1);
		long revision = ((Number) written.get("changeRevision")).longValue();
		Map<String, Object> readOnWorker2 = get(worker2, "/values/color?revision=" + revision);
		assertThat(readOnWorker2.get("value")).isEqualTo(Map.of("name", "teal"));
		assertThat(process(readOnWorker2)).containsEntry("role", "WORKER").containsEntry("port", worker2);
		Map<String, Object> readOnMaster = get(masterPort, "/values/color?revision=" + revision);
		assertThat(readOnMaster.get("value")).isEqualTo(Map.of("name", "teal"));
		assertThat(process(readOnMaster)).containsEntry("role", "MASTER");
		assertThat(pid(readOnMaster)).isEqualTo(this.master.pid());

		// live configuration: one PUT rebinds SampleSettings in every process
		put(worker1, "/values/config.sample.greeting", "\"Bonjour\"");
		awaitSettings(List.of(masterPort, worker1, worker2), "Bonjour", 10);
		// a value SampleSettings cannot bind is refused everywhere: maxItems stays 10
		put(worker2, "/values/config.sample.max-items", "\"many\"");
		put(masterPort, "/values/config.sample.greeting", "\"Hola\"");
		awaitSettings(List.of(masterPort, worker1, worker2), "Hola", 10);
		put(masterPort, "/values/config.sample.max-items", "25");
		awaitSettings(List.of(masterPort, worker1, worker2), "Hola", 25);

		long killed = pid(first);
		ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly);
		Map<String, Object> restarted = await().atMost(STARTUP)
			.ignoreExceptions()
			.until(() -> get(worker1, "/values/color"), (answer) -> answer != null && pid(answer) != killed);
		this.workerPids.add(pid(restarted));
		assertThat(restarted.get("value")).isEqualTo(Map.of("name", "teal"));
		// a process that starts later binds the shared settings before it serves
		assertThat(get(worker1, "/settings")).containsEntry("greeting", "Hola").containsEntry("maxItems", 25);
		assertThat(Files.readString(log)).contains("io.globalval.cluster.worker.worker-1",
				"io.globalval.cluster.worker.worker-2", "Restarting worker-1",
				"Global value 'config.sample.max-items' (revision", "is not applied to the Environment");

		List<ProcessHandle> descendants = this.master.descendants().toList();
		assertThat(descendants).hasSizeGreaterThanOrEqualTo(2);
		this.master.destroy();
		assertThat(this.master.waitFor(60, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(descendants).noneMatch(ProcessHandle::isAlive));
		assertThat(this.workerPids).allSatisfy((pid) -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
			.isNotEqualTo(Optional.of(true)));
	}

	private void awaitSettings(List<Integer> ports, String greeting, int maxItems) {
		for (int port : ports) {
			await().atMost(Duration.ofSeconds(20))
				.ignoreExceptions()
				.untilAsserted(() -> assertThat(get(port, "/settings")).containsEntry("greeting", greeting)
					.containsEntry("maxItems", maxItems));
		}
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> get(int port, String path) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
		return (response.statusCode() == 200) ? this.json.readValue(response.body(), Map.class) : null;
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

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** A port whose successor is free too, for the two workers. */
	private static int freePortPair() throws IOException {
		for (int attempt = 0; attempt < 50; attempt++) {
			int port = freePort();
			try (ServerSocket next = new ServerSocket(port + 1)) {
				return port;
			}
			catch (IOException ex) {
				// taken: try another
			}
		}
		throw new IOException("No two consecutive free ports found");
	}

}
