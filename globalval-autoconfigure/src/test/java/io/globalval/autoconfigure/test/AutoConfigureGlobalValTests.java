package io.globalval.autoconfigure.test;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.globalval.GlobalValTemplate;
import io.globalval.Role;
import io.globalval.autoconfigure.GlobalValProperties;
import io.globalval.core.GlobalValNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AutoConfigureGlobalVal}: a context without auto-configuration of its own
 * (as in a slice) whose configuration asks for a socket group with cluster workers still
 * gets a node of its own on the local transport.
 */
@SpringBootTest(classes = AutoConfigureGlobalValTests.EmptyConfiguration.class,
		properties = { "globalval.name=annotated", "globalval.transport=uds", "globalval.cluster.workers=3" })
@AutoConfigureGlobalVal
class AutoConfigureGlobalValTests {

	@TempDir
	static Path temp;

	@Autowired
	private GlobalValTemplate globalVals;

	@Autowired
	private GlobalValNode node;

	@Autowired
	private GlobalValProperties properties;

	@DynamicPropertySource
	static void socketDirectory(DynamicPropertyRegistry registry) {
		registry.add("globalval.uds.directory", () -> temp.resolve("group").toString());
	}

	@Test
	void theTestsNodeIsLocalAndStartsNoWorkers() {
		assertThat(this.properties.getTransport()).isEqualTo(GlobalValProperties.Transport.LOCAL);
		assertThat(this.properties.getCluster().getWorkers()).isZero();
		assertThat(this.node.sequencerAddress()).isEqualTo("local:annotated");
		assertThat(this.globalVals.role()).isEqualTo(Role.MASTER);
	}

	@Test
	void valuesWorkWithoutDirectoryLockOrSocket() {
		long revision = this.globalVals.set("greeting", "hi").join();
		assertThat(this.globalVals.awaitRevision(revision).join()).isEqualTo(revision);
		assertThat(this.globalVals.get("greeting")).isEqualTo("hi");
		assertThat(temp.resolve("group")).doesNotExist();
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

}
