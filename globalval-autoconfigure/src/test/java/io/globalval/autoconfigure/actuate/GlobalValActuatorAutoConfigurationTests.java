package io.globalval.autoconfigure.actuate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.globalval.GlobalValTemplate;
import io.globalval.Role;
import io.globalval.autoconfigure.GlobalValAutoConfiguration;
import io.globalval.autoconfigure.GlobalValClusterLifecycle;
import io.globalval.autoconfigure.GlobalValProperties;
import io.globalval.autoconfigure.OtherNodes;
import io.globalval.autoconfigure.actuate.GlobalValEndpoint.GlobalValDescriptor;
import io.globalval.cluster.WorkerStatus;
import io.globalval.core.GlobalValNode;
import io.globalval.transport.uds.UdsTransport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GlobalValEndpointAutoConfiguration} and
 * {@link GlobalValHealthContributorAutoConfiguration}.
 */
class GlobalValActuatorAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	/** Spring Boot's health support: registry, endpoint and the validation of its groups. */
	private static final AutoConfigurations HEALTH = AutoConfigurations.of(EndpointAutoConfiguration.class,
			HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
			HealthEndpointAutoConfiguration.class);

	@TempDir
	Path directory;

	private OtherNodes others;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.others = new OtherNodes(this.directory);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class,
					GlobalValEndpointAutoConfiguration.class, GlobalValHealthContributorAutoConfiguration.class))
			.withPropertyValues("globalval.name=" + OtherNodes.NAME, "globalval.uds.directory=" + this.directory,
					"management.endpoints.web.exposure.include=globalval");
	}

	@AfterEach
	void closeOthers() {
		this.others.close();
	}

	@Test
	void endpointDescribesTheMasterAndItsWorkers() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GlobalValEndpoint.class);
			context.getBean(GlobalValTemplate.class).set("a", 1).join();
			this.others.worker("worker-a");
			GlobalValEndpoint endpoint = context.getBean(GlobalValEndpoint.class);
			await().atMost(WAIT).untilAsserted(() -> assertThat(endpoint.globalVal().workers()).hasSize(1));
			GlobalValDescriptor descriptor = endpoint.globalVal();
			assertThat(descriptor.name()).isEqualTo(OtherNodes.NAME);
			assertThat(descriptor.role()).isEqualTo(Role.MASTER);
			assertThat(descriptor.revision()).isEqualTo(1);
			assertThat(descriptor.keys()).isEqualTo(1);
			assertThat(descriptor.connected()).isTrue();
			assertThat(descriptor.workers().get(0).name()).isEqualTo("worker-a");
			JsonNode json = JsonMapper.builder().build().valueToTree(descriptor);
			assertThat(json.get("role").asString()).isEqualTo("MASTER");
			assertThat(json.get("address").asString()).endsWith(UdsTransport.SOCKET_FILE);
			assertThat(json.has("socket")).isFalse();
			assertThat(json.get("workers").get(0).has("revisionsBehind")).isTrue();
			assertThat(json.get("workers").get(0).has("lagMillis")).isTrue();
		});
	}

	@Test
	void endpointIsAbsentUnlessExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(GlobalValEndpoint.class));
	}

	@Test
	void endpointAndHealthAreAbsentWithoutActuator() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(GlobalValTemplate.class)
				.doesNotHaveBean(GlobalValEndpoint.class)
				.doesNotHaveBean(GlobalValHealthIndicator.class));
	}

	@Test
	void masterIsHealthy() {
		this.contextRunner.run((context) -> {
			Health health = context.getBean(GlobalValHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("role", Role.MASTER)
				.containsEntry("connected", true)
				.containsEntry("address", context.getBean(GlobalValNode.class).sequencerAddress());
		});
	}

	@Test
	void workerCutOffFromItsMasterForTooLongIsDown() {
		GlobalValNode master = this.others.master();
		this.contextRunner.withPropertyValues("globalval.role=worker", "globalval.health.max-disconnected=200ms")
			.run((context) -> {
			GlobalValHealthIndicator indicator = context.getBean(GlobalValHealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			master.close();
			await().atMost(WAIT).untilAsserted(() -> assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN));
			Health health = indicator.health();
			assertThat(health.getDetails()).containsEntry("role", Role.WORKER)
				.containsEntry("connected", false)
				.containsKeys("disconnectedFor", "maxDisconnected", "address", "error");
		});
	}

	@Test
	void healthIsRegisteredUnderGlobalvalAndMayJoinTheReadinessGroup() {
		this.contextRunner.withConfiguration(HEALTH)
			.withPropertyValues("management.endpoints.web.exposure.include=health",
					"management.endpoint.health.group.readiness.include=globalval")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasBean("globalvalHealthIndicator");
				HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
				assertThat(registry.getContributor("globalval")).isSameAs(context.getBean(GlobalValHealthIndicator.class));
				assertThat(registry.getContributor("globalVal")).isNull();
			});
	}

	@Test
	void readinessGroupMembersAreValidated() {
		// the check the test above passes: an unknown member fails startup
		this.contextRunner.withConfiguration(HEALTH)
			.withPropertyValues("management.endpoints.web.exposure.include=health",
					"management.endpoint.health.group.readiness.include=globalVal")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("Included health contributor 'globalVal' in group 'readiness' does not exist");
			});
	}

	@Test
	void clusterMasterShowsItsWorkers() {
		this.contextRunner.withUserConfiguration(ClusterConfiguration.class)
			.withPropertyValues("test.worker-2=RESTARTING")
			.run((context) -> {
				Health health = context.getBean(GlobalValHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).doesNotContainKey("error");
				assertThat(health.getDetails().get("clusterWorkers")).isEqualTo(Map.of("worker-1",
						Map.of("state", WorkerStatus.State.RUNNING, "pid", 101L, "restarts", 0), "worker-2",
						Map.of("state", WorkerStatus.State.RESTARTING, "pid", 0L, "restarts", 3)));
			});
	}

	@Test
	void clusterMasterThatGaveUpOnAWorkerIsDown() {
		this.contextRunner.withUserConfiguration(ClusterConfiguration.class)
			.withPropertyValues("test.worker-2=GAVE_UP")
			.run((context) -> {
				Health health = context.getBean(GlobalValHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("role", Role.MASTER).containsKey("clusterWorkers");
				assertThat((String) health.getDetails().get("error")).startsWith(
						"Cluster mode gave up restarting worker-2 after more restarts within a minute than "
								+ "globalval.cluster.max-restarts-per-minute");
			});
	}

	@Test
	void processWithoutClusterWorkersShowsNone() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(GlobalValHealthIndicator.class).health().getDetails())
			.doesNotContainKey("clusterWorkers"));
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.globalval.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GlobalValHealthIndicator.class));
	}

	/** Cluster mode with worker-1 running and worker-2 in the state {@code test.worker-2}. */
	@Configuration(proxyBeanMethods = false)
	static class ClusterConfiguration {

		@Bean
		GlobalValClusterLifecycle globalValClusterLifecycle(GlobalValNode node, Environment environment) {
			WorkerStatus.State state = environment.getRequiredProperty("test.worker-2", WorkerStatus.State.class);
			return new GlobalValClusterLifecycle(node, new GlobalValProperties.Cluster(), new String[0], List.of()) {

				@Override
				public List<WorkerStatus> workerStatus() {
					return List.of(new WorkerStatus("worker-1", WorkerStatus.State.RUNNING, 101, 0),
							new WorkerStatus("worker-2", state, 0, 3));
				}

			};
		}

	}

}
