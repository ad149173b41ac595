package io.globalval.autoconfigure.actuate;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;

import io.globalval.Role;
import io.globalval.autoconfigure.GlobalValAutoConfiguration;
import io.globalval.autoconfigure.GlobalValConnectionMonitor;
import io.globalval.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code globalval} health indicator in Spring Boot's readiness group, on the Redis
 * transport with a real redis-server that goes away: the group's member name is
 * validated at startup; {@link ReadinessState} stays {@code ACCEPTING_TRAFFIC} through an
 * outage unless {@code globalval.readiness.follow-connection=true}; the group itself
 * follows the indicator, which is DOWN only once the outage is longer than
 * {@code globalval.health.max-disconnected}.
 */
class GlobalValReadinessGroupTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path directory;

	private RedisServer redis;

	@BeforeEach
	void startRedis() throws Exception {
		this.redis = RedisServer.start(this.directory);
	}

	@AfterEach
	void stopRedis() {
		this.redis.close();
	}

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, GlobalValAutoConfiguration.class,
					GlobalValHealthContributorAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class,
					AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class,
					EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.withPropertyValues("globalval.transport=redis", "globalval.name=readiness",
					"globalval.redis.block-timeout=200ms", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + this.redis.port(), "management.endpoint.health.probes.enabled=true",
					"management.endpoints.web.exposure.include=health");
	}

	@Test
	void readinessStaysAcceptingTrafficThroughARedisOutageByDefault() {
		this.contextRunner()
			.withPropertyValues("management.endpoint.health.group.readiness.include=globalval",
					"globalval.health.max-disconnected=1h")
			.run(acceptingTraffic((context) -> {
				this.redis.kill();
				awaitCutOff(context);
				ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
				assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
				assertThat(availability.getLastChangeEvent(ReadinessState.class).getSource()).isSameAs(context);
				// an outage shorter than globalval.health.max-disconnected: the group stays UP
				assertThat(readinessGroup(context)).isEqualTo(Status.UP);
			}));
	}

	@Test
	void readinessGroupFollowsTheHealthIndicatorOnceTheOutageIsLongerThanMaxDisconnected() {
		this.contextRunner()
			.withPropertyValues("management.endpoint.health.group.readiness.include=globalval",
					"globalval.health.max-disconnected=200ms")
			.run(acceptingTraffic((context) -> {
				this.redis.kill();
				await().atMost(WAIT).untilAsserted(() -> assertThat(readinessGroup(context)).isEqualTo(Status.DOWN));
				// the group fails, the application's readiness state is left alone
				assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
					.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
				this.redis.restart();
				await().atMost(WAIT).untilAsserted(() -> assertThat(readinessGroup(context)).isEqualTo(Status.UP));
			}));
	}

	@Test
	void readinessRefusesTrafficThroughARedisOutageWhenItFollowsTheConnection() {
		this.contextRunner()
			.withPropertyValues("management.endpoint.health.group.readiness.include=readinessState,globalval",
					"globalval.health.max-disconnected=1h", "globalval.readiness.follow-connection=true")
			.run(acceptingTraffic((context) -> {
				ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
				this.redis.kill();
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(availability.getReadinessState())
						.isEqualTo(ReadinessState.REFUSING_TRAFFIC));
				assertThat(availability.getLastChangeEvent(ReadinessState.class).getSource())
					.isInstanceOf(GlobalValConnectionMonitor.class);
				// readinessState is OUT_OF_SERVICE at once; globalval is still UP (1h)
				assertThat(readinessGroup(context)).isEqualTo(Status.OUT_OF_SERVICE);
				this.redis.restart();
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(availability.getReadinessState())
						.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC));
				assertThat(readinessGroup(context)).isEqualTo(Status.UP);
			}));
	}

	/**
	 * Check that the context started with {@code globalval} in its readiness group (an
	 * unknown member fails startup), make it accept traffic as
	 * {@code SpringApplication} does once it is ready, then run the test.
	 */
	private static ContextConsumer<AssertableApplicationContext> acceptingTraffic(
			ContextConsumer<AssertableApplicationContext> test) {
		return (context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(GlobalValHealthIndicator.class);
			assertThat(context.getBean(GlobalValHealthIndicator.class).health().getDetails()).containsEntry("role",
					Role.PEER);
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			assertThat(readinessGroup(context)).isEqualTo(Status.UP);
			test.accept(context);
		};
	}

	private static void awaitCutOff(AssertableApplicationContext context) {
		GlobalValConnectionMonitor monitor = context.getBean(GlobalValConnectionMonitor.class);
		await().atMost(WAIT).untilAsserted(() -> assertThat(monitor.isCurrent()).isFalse());
	}

	private static Status readinessGroup(AssertableApplicationContext context) {
		return context.getBean(HealthEndpoint.class).healthForPath("readiness").getStatus();
	}

}
