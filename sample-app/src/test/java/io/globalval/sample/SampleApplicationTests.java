package io.globalval.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.globalval.GlobalValTemplate;
import io.globalval.Role;
import io.globalval.autoconfigure.test.AutoConfigureGlobalVal;
import io.globalval.core.GlobalValNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SampleApplication}: on the local transport
 * ({@link AutoConfigureGlobalVal}), so the test is the master of a group of its own and
 * never joins a sample that runs on this machine, nor starts the configured workers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureGlobalVal
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	@Autowired
	private GlobalValTemplate globalVals;

	@Autowired
	private GlobalValNode node;

	@Test
	void greetsAndLogsTheChange(CapturedOutput output) {
		assertThat(this.globalVals.role()).isEqualTo(Role.MASTER);
		assertThat(this.node.sequencerAddress()).isEqualTo("local:sample");
		assertThat(this.node.workers()).isEmpty();
		assertThat(this.globalVals.get("greeting")).isEqualTo("hello from the master");
		assertThat(this.globalVals.get("starts")).isEqualTo(1);
		this.globalVals.set("greeting", "hello from the test").join();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output).contains("Greeting: hello from the test"));
	}

}
