package io.globalval.sample;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.globalval.GlobalValNodes;
import io.globalval.GlobalValTemplate;
import io.globalval.Role;
import io.globalval.autoconfigure.test.AutoConfigureGlobalVal;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.RolePreference;
import io.globalval.transport.uds.UdsTransport;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application's tests pass while the sample itself runs on this machine, and leave it
 * alone: a real sample (its main class in another JVM, role {@code auto}, the name
 * {@code sample}, its socket in its default directory, no cluster workers so as to spare
 * the machine) runs while this class's {@link SpringBootTest} context starts with the
 * very same name and directory. With {@link AutoConfigureGlobalVal} the test's node is a
 * group of its own: the running sample lists no new worker and never sees its writes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureGlobalVal
class SampleApplicationNextToARunningSampleTests {

	private static final Duration STARTUP = Duration.ofSeconds(120);

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	static Path temp;

	private static Process sample;

	private static int samplePort;

	@Autowired
	private GlobalValTemplate globalVals;

	@Autowired
	private GlobalValNode node;

	@BeforeAll
	static void startTheSample() throws Exception {
		samplePort = freePort();
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		// its default directory, <java.io.tmpdir>/globalval-sample, in this test's temp dir
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
				"-Djava.io.tmpdir=" + temp, "-cp", mainClassPath(), SampleApplication.class.getName(),
				"--server.port=" + samplePort, "--globalval.cluster.workers=0"));
		sample = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(temp.resolve("sample.log").toFile())
			.start();
		try {
			Map<String, Object> globalval = await().atMost(STARTUP)
				.ignoreExceptions()
				.until(SampleApplicationNextToARunningSampleTests::sampleGlobalVal, (answer) -> answer != null);
			assertThat(globalval).containsEntry("name", "sample").containsEntry("role", "MASTER");
			assertThat(sampleDirectory().resolve(UdsTransport.SOCKET_FILE)).exists();
		}
		catch (Throwable ex) {
			stopTheSample();
			throw new IllegalStateException(
					"The sample did not start; its log: " + Files.readString(temp.resolve("sample.log")), ex);
		}
	}

	@AfterAll
	static void stopTheSample() throws InterruptedException {
		if (sample != null) {
			sample.destroyForcibly();
			sample.waitFor(20, TimeUnit.SECONDS);
		}
	}

	/** Without the annotation, this would make the test a worker of the running sample. */
	@DynamicPropertySource
	static void theSamplesDirectory(DynamicPropertyRegistry registry) {
		registry.add("globalval.uds.directory", () -> sampleDirectory().toString());
	}

	@Test
	void theTestIsAGroupOfItsOwnAndTheRunningSampleListsNoNewWorker() throws Exception {
		assertThat(this.globalVals.role()).isEqualTo(Role.MASTER);
		assertThat(this.node.sequencerAddress()).isEqualTo("local:sample");
		assertThat(this.node.workers()).isEmpty();
		// the test's own start, not the running sample's
		assertThat(this.globalVals.get("starts")).isEqualTo(1);
		Map<String, Object> before = sampleGlobalVal();
		this.globalVals.set("greeting", "from the test").join();
		this.globalVals.set("only-in-the-test", true).join();
		Map<String, Object> after = sampleGlobalVal();
		assertThat(after.get("workers")).asInstanceOf(InstanceOfAssertFactories.LIST).isEmpty();
		assertThat(after.get("revision")).isEqualTo(before.get("revision"));
		assertThat(sampleValue("greeting")).isEqualTo("hello from the master");
		assertThat(sampleValue("only-in-the-test")).isNull();
	}

	@Test
	void aNodeThatDoesJoinTheRunningSampleIsListedAsItsWorker() throws Exception {
		// the check above can see a joiner: a plain node with the sample's name and directory
		NodeSettings settings = NodeSettings.builder()
			.name("sample")
			.directory(sampleDirectory())
			.role(RolePreference.WORKER)
			.nodeName("joiner")
			.build();
		try (GlobalValNode joiner = GlobalValNodes.start(settings)) {
			joiner.ready().get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(new GlobalValTemplate(joiner).get("greeting")).isEqualTo("hello from the master");
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(sampleGlobalVal().get("workers").toString()).contains("joiner"));
		}
	}

	private static Path sampleDirectory() {
		return temp.resolve("globalval-sample");
	}

	/** This module's class path without its test classes: the sample as it ships. */
	private static String mainClassPath() {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !Path.of(entry).endsWith("test-classes"))
			.collect(Collectors.joining(File.pathSeparator));
	}

	private static Map<String, Object> sampleGlobalVal() throws IOException, InterruptedException {
		return get("/actuator/globalval");
	}

	private static Object sampleValue(String key) throws IOException, InterruptedException {
		Map<String, Object> answer = get("/values/" + key);
		return (answer != null) ? answer.get("value") : null;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> get(String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + samplePort + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		return (response.statusCode() == 200) ? json.readValue(response.body(), Map.class) : null;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
