package io.globalval.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.globalval.cluster.WorkerLaunch;
import io.globalval.cluster.WorkerOutput;
import io.globalval.cluster.WorkerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link GlobalValClusterLifecycle}: how a master starts its workers, built
 * without starting them, and the properties that shape it.
 */
class GlobalValClusterLifecycleTests {

	private static final List<String> MASTER_JVM_OPTIONS = List.of("-Xmx256m", "-Dserver.port=8080",
			"-Dmanagement.server.port=9000", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005",
			"-Dcom.sun.management.jmxremote.port=9010", "-Xlog:gc*:file=gc.log", "-Dsecret.key=k", "-Dfoo=bar");

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		// no workers: these tests build the launch, they start no JVM
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class))
			.withPropertyValues("globalval.name=" + OtherNodes.NAME, "globalval.uds.directory=" + this.directory);
	}

	@Test
	void workerArgumentsLeaveOutThePortsAndRoleOfTheMaster() {
		assertThat(GlobalValClusterLifecycle.workerArguments(new String[] { "--server.port=8080",
				"--management.server.port=9000", "--globalval.role=master", "--spring.profiles.active=prod",
				"--globalval.cluster.workers=3", "--globalval.failover.enabled=false", "plain" }))
			.containsExactly("--spring.profiles.active=prod", "plain", "--globalval.role=worker",
					"--globalval.failover.enabled=true", "--globalval.cluster.workers=0");
	}

	@Test
	void workersLeaveOutTheMastersPortsDebuggerJmxPortAndGcLogByDefault() {
		this.contextRunner.run((context) -> assertThat(jvmOptions(context)).containsExactly("-Xmx256m",
				"-Dsecret.key=k", "-Dfoo=bar"));
	}

	@Test
	void excludedJvmOptionsReplaceTheDefaultsButNeverLetThePortsThrough() {
		this.contextRunner.withPropertyValues("globalval.cluster.jvm-options-excluded=-Dsecret.")
			.run((context) -> assertThat(jvmOptions(context)).containsExactly("-Xmx256m",
					"-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005",
					"-Dcom.sun.management.jmxremote.port=9010", "-Xlog:gc*:file=gc.log", "-Dfoo=bar"));
	}

	@Test
	void jvmOptionsOfTheWorkersComeAfterThoseOfTheMaster() {
		this.contextRunner.withPropertyValues("globalval.cluster.jvm-options=-Xmx128m,-Dworker=true")
			.run((context) -> assertThat(jvmOptions(context)).containsExactly("-Xmx256m", "-Dsecret.key=k",
					"-Dfoo=bar", "-Xmx128m", "-Dworker=true"));
	}

	@Test
	void commandRunsTheWorkerWithItsOwnArguments() {
		this.contextRunner.run((context) -> {
			List<String> command = launch(context).command();
			assertThat(command.get(0)).endsWith("java");
			assertThat(command).contains("-Xmx256m")
				.doesNotContain("-Dserver.port=8080")
				.endsWith("--globalval.role=worker", "--globalval.failover.enabled=true", "--globalval.cluster.workers=0");
		});
	}

	@Test
	void workersAreToldTheMastersPidToExitWithIt() {
		this.contextRunner.run((context) -> assertThat(launch(context).environment())
			.containsEntry(WorkerLaunch.PARENT_PID_VARIABLE, String.valueOf(ProcessHandle.current().pid()))
			.containsEntry("GLOBALVAL_ROLE", "worker"));
	}

	@Test
	void workersAreNotToldTheMastersPidWhenTheyOutliveIt() {
		this.contextRunner.withPropertyValues("globalval.cluster.exit-with-parent=false")
			.run((context) -> assertThat(launch(context).environment())
				.doesNotContainKey(WorkerLaunch.PARENT_PID_VARIABLE));
	}

	@Test
	void workerOutputIsLoggedUnlessInherited() {
		this.contextRunner.run((context) -> assertThat(launch(context).output()).isEqualTo(WorkerOutput.LOG));
		this.contextRunner.withPropertyValues("globalval.cluster.output=inherit")
			.run((context) -> assertThat(launch(context).output()).isEqualTo(WorkerOutput.INHERIT));
	}

	@Test
	void workersGetTheirPortsAsArguments() {
		this.contextRunner.withPropertyValues("globalval.cluster.base-port=9100").run((context) -> {
			WorkerLaunch launch = launch(context);
			assertThat(launch.ports()).containsExactly(new WorkerPort("server.port", 9100));
			assertThat(launch.command(2)).endsWith("--globalval.cluster.workers=0", "--server.port=9101");
		});
	}

	@Test
	void aWorkerToldItsMastersPidWatchesIt() {
		long parent = ProcessHandle.current().parent().orElseThrow().pid();
		this.contextRunner.withPropertyValues(WorkerLaunch.PARENT_PID_VARIABLE + "=" + parent)
			.run((context) -> assertThat(context).getBean(GlobalValParentWatch.class)
				.extracting(GlobalValParentWatch::parentPid)
				.isEqualTo(parent));
	}

	@Test
	void aProcessNotToldAMastersPidWatchesNothing() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(GlobalValParentWatch.class));
	}

	@Test
	void clusterModeIsRefusedInANativeImage() {
		GlobalValProperties.Cluster cluster = new GlobalValProperties.Cluster();
		cluster.setWorkers(2);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> GlobalValClusterLifecycle.refuseInNativeImage(cluster, true))
			.withMessageContaining("globalval.cluster.workers")
			.withMessageContaining("native image")
			.withMessageContaining("set globalval.cluster.workers=0 and run 3 processes");
		assertThatNoException().isThrownBy(() -> GlobalValClusterLifecycle.refuseInNativeImage(cluster, false));
		cluster.setWorkers(0);
		assertThatNoException().isThrownBy(() -> GlobalValClusterLifecycle.refuseInNativeImage(cluster, true));
	}

	private static WorkerLaunch launch(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(GlobalValClusterLifecycle.class).launch(MASTER_JVM_OPTIONS);
	}

	private static List<String> jvmOptions(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return GlobalValClusterLifecycle.workerJvmOptions(MASTER_JVM_OPTIONS,
				context.getBean(GlobalValProperties.class).getCluster());
	}

}
