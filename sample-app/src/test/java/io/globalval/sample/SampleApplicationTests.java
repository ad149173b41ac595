package io.globalval.sample;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.globalval.GlobalValTemplate;
import io.globalval.Role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SampleApplication}: one process, so it is the master.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "globalval.cluster.workers=0")
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	@TempDir
	static Path directory;

	@Autowired
	private GlobalValTemplate globalVals;

	@DynamicPropertySource
	static void socketDirectory(DynamicPropertyRegistry registry) {
		registry.add("globalval.uds.directory", () -> directory.toString());
	}

	@Test
	void greetsAndLogsTheChange(CapturedOutput output) {
		assertThat(this.globalVals.role()).isEqualTo(Role.MASTER);
		assertThat(this.globalVals.get("greeting")).isEqualTo("hello from the master");
		assertThat(this.globalVals.get("starts")).isEqualTo(1);
		this.globalVals.set("greeting", "hello from the test").join();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output).contains("Greeting: hello from the test"));
	}

}
