package io.globalval.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.globalval.GlobalValConnectionException;
import io.globalval.GlobalValNodes;
import io.globalval.GlobalValTemplate;
import io.globalval.Role;
import io.globalval.autoconfigure.actuate.GlobalValEndpoint;
import io.globalval.autoconfigure.actuate.GlobalValEndpoint.GlobalValDescriptor;
import io.globalval.autoconfigure.actuate.GlobalValEndpointAutoConfiguration;
import io.globalval.autoconfigure.actuate.GlobalValHealthContributorAutoConfiguration;
import io.globalval.autoconfigure.actuate.GlobalValHealthIndicator;
import io.globalval.autoconfigure.metrics.GlobalValMetricsAutoConfiguration;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.event.GlobalValChangedEvent;
import io.globalval.event.GlobalValRoleEvent;
import io.globalval.event.GlobalValSnapshotEvent;
import io.globalval.testsupport.RedisServer;
import io.globalval.transport.redis.RedisSequencer;
import io.globalval.transport.redis.RedisTransportSettings;
import io.globalval.transport.uds.UdsTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link GlobalValAutoConfiguration} with {@code globalval.transport=redis}, on a
 * real redis-server: the node is a peer of the Redis server of the application's
 * {@link LettuceConnectionFactory}, with the same events, metrics and Actuator details.
 */
class GlobalValRedisAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final RedisTransportSettings FAST = RedisTransportSettings.builder()
		.blockTimeout(Duration.ofMillis(200))
		.build();

	/** Every test its own application name, so that tests sharing the server never mix. */
	private static final AtomicInteger applications = new AtomicInteger();

	@TempDir
	static Path redisDirectory;

	private static RedisServer redis;

	@TempDir
	Path directory;

	private String name;

	private final List<GlobalValNode> otherPeers = new ArrayList<>();

	@BeforeAll
	static void startRedis() throws Exception {
		redis = RedisServer.start(redisDirectory);
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@BeforeEach
	void name() {
		this.name = "redis-app-" + applications.incrementAndGet();
	}

	@AfterEach
	void closeOtherPeers() {
		this.otherPeers.forEach(GlobalValNode::close);
	}

	private ApplicationContextRunner contextRunner(RedisServer server) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, GlobalValAutoConfiguration.class))
			.withPropertyValues("globalval.transport=redis", "globalval.name=" + this.name,
					"globalval.uds.directory=" + this.directory.resolve("uds"), "globalval.redis.block-timeout=200ms",
					"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + server.port());
	}

	private ApplicationContextRunner contextRunner() {
		return contextRunner(redis);
	}

	/** Another process of the application, as a plain peer on a client of its own. */
	private GlobalValTemplate otherPeer() throws Exception {
		GlobalValNode node = GlobalValNodes.builder(NodeSettings.builder().name(this.name).build())
			.sequencer(RedisSequencer.create(RedisURI.create(redis.uri()), FAST))
			.start();
		this.otherPeers.add(node);
		node.ready().get(WAIT.toSeconds(), TimeUnit.SECONDS);
		return new GlobalValTemplate(node);
	}

	@Test
	void nodeIsAPeerOfTheApplicationsRedisAndTheTemplateWorks() {
		this.contextRunner().run((context) -> {
			assertThat(context).hasSingleBean(GlobalValNode.class)
				.hasSingleBean(GlobalValTemplate.class)
				.hasSingleBean(LettuceConnectionFactory.class);
			GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
			assertThat(template.role()).isEqualTo(Role.PEER);
			assertThat(template.isReady()).isTrue();
			long revision = template.set("greeting", "hello").join();
			assertThat(template.get("greeting")).isEqualTo("hello");
			assertThat(template.increment("counter", 5).join()).isEqualTo(5);
			// stored in the Redis of spring.data.redis.*, namespaced by the application name
			StringRedisTemplate redisTemplate = context.getBean(StringRedisTemplate.class);
			assertThat(redisTemplate.opsForHash().get("{globalval:" + this.name + "}:values", "greeting"))
				.isEqualTo("\"hello\"");
			GlobalValTemplate other = otherPeer();
			assertThat(other.awaitRevision(revision + 1).join()).isGreaterThanOrEqualTo(revision + 1);
			assertThat(other.get("greeting")).isEqualTo("hello");
			assertThat(other.get("counter")).isEqualTo(5);
			// no lock file, no socket: Redis sequences
			assertThat(this.directory.resolve("uds")).doesNotExist();
		});
	}

	@Test
	void roleSnapshotAndChangesArePublishedInRevisionOrder() throws Exception {
		GlobalValTemplate other = otherPeer();
		other.set("before", "start").join();
		this.contextRunner().withBean(RecordingListener.class).run((context) -> {
			GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
			RecordingListener listener = context.getBean(RecordingListener.class);
			template.set("greeting", "hello").join();
			other.set("greeting", "from another process").join();
			template.delete("greeting").join();
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.changes()).hasSize(3));
			assertThat(listener.events.get(0)).isInstanceOfSatisfying(GlobalValRoleEvent.class, (event) -> {
				assertThat(event.getRole()).isEqualTo(Role.PEER);
				assertThat(event.getName()).isEqualTo(this.name);
			});
			assertThat(listener.events.get(1)).isInstanceOfSatisfying(GlobalValSnapshotEvent.class, (event) -> {
				assertThat(event.getRevision()).isEqualTo(1);
				assertThat(event.getKeys()).isEqualTo(1);
			});
			List<GlobalValChangedEvent> changes = listener.changes();
			assertThat(changes).extracting(GlobalValChangedEvent::getRevision).containsExactly(2L, 3L, 4L);
			assertThat(changes).extracting(GlobalValChangedEvent::getValue)
				.containsExactly("hello", "from another process", null);
			assertThat(changes).extracting(GlobalValChangedEvent::isLocal).containsExactly(true, false, true);
			assertThat(changes.get(1).getOrigin()).isEqualTo(other.getNode().nodeId());
			assertThat(listener.greetings).hasSize(3);
			assertThat(listener.changeThreads()).allMatch((thread) -> thread.startsWith("globalval-events-"));
		});
	}

	@Test
	void redisTransportPropertiesBindAndReachTheTransport() {
		this.contextRunner()
			.withPropertyValues("globalval.redis.stream-max-length=500", "globalval.redis.block-timeout=300ms",
					"globalval.redis.write-id-retention=1m", "globalval.redis.max-write-ids-per-node=10",
					"globalval.redis.replicas-to-ack=2", "globalval.redis.allow-eviction=true")
			.run((context) -> {
				GlobalValProperties.Redis properties = context.getBean(GlobalValProperties.class).getRedis();
				assertThat(GlobalValNodeConfigurations.RedisNodeConfiguration.redisSettings(properties))
					.isEqualTo(new RedisTransportSettings(500, Duration.ofMillis(300), Duration.ofMinutes(1), 10, 2, true));
				assertThat(context.getBean(GlobalValTemplate.class).role()).isEqualTo(Role.PEER);
			});
	}

	@Test
	void redisTransportDefaultsAreTheTransportsDefaults() {
		assertThat(GlobalValNodeConfigurations.RedisNodeConfiguration.redisSettings(new GlobalValProperties.Redis()))
			.isEqualTo(RedisTransportSettings.defaults());
	}

	@Test
	void invalidRedisTransportPropertyFailsNamingIt() {
		this.contextRunner().withPropertyValues("globalval.redis.stream-max-length=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("globalval.redis.stream-max-length must be at least 1, was 0");
		});
	}

	@Test
	void udsStaysTheDefaultWithSpringDataRedisPresent() {
		this.contextRunner().withPropertyValues("globalval.transport=uds").run((context) -> {
			assertThat(context.getBean(GlobalValTemplate.class).role()).isEqualTo(Role.MASTER);
			assertThat(this.directory.resolve("uds").resolve(UdsTransport.SOCKET_FILE)).exists();
		});
	}

	@Test
	void redisConfigurationBacksOffWithoutSpringDataRedisAndSaysWhatToAdd() {
		this.contextRunner()
			.withClassLoader(new FilteredClassLoader(LettuceConnectionFactory.class))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("globalval.transport")
					.hasMessageContaining("spring-boot-starter-data-redis");
			});
	}

	@Test
	void redisConfigurationBacksOffWithoutLettuce() {
		this.contextRunner().withClassLoader(new FilteredClassLoader("io.lettuce")).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("spring-boot-starter-data-redis");
		});
	}

	@Test
	void udsTransportWorksWithoutSpringDataRedis() {
		this.contextRunner()
			.withPropertyValues("globalval.transport=uds")
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis", "io.lettuce"))
			.run((context) -> assertThat(context.getBean(GlobalValTemplate.class).role()).isEqualTo(Role.MASTER));
	}

	@Test
	void withoutARedisConnectionFactoryStartupFailsClearly() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class))
			.withPropertyValues("globalval.transport=redis", "globalval.name=" + this.name)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("globalval.transport")
					.hasMessageContaining("RedisConnectionFactory, but there is none")
					.hasMessageContaining("spring-boot-starter-data-redis");
			});
	}

	@Test
	void aConnectionFactoryOtherThanLettuceFailsClearly() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class))
			.withPropertyValues("globalval.transport=redis", "globalval.name=" + this.name)
			.withBean(RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("needs Lettuce")
					.hasMessageContaining("LettuceConnectionFactory");
			});
	}

	@Test
	void unreachableRedisFailsStartupNamingItsAddress() throws Exception {
		RedisServer gone = RedisServer.start(this.directory);
		gone.close();
		this.contextRunner(gone).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (failure != null && !(failure instanceof GlobalValConnectionException)) {
				failure = failure.getCause();
			}
			assertThat(failure).isNotNull().hasMessageContaining("redis://127.0.0.1:" + gone.port());
		});
	}

	@Test
	void clusterModeIsRefusedOnRedis() {
		this.contextRunner().withPropertyValues("globalval.cluster.workers=2").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("globalval.cluster.workers")
				.hasMessageContaining("peer");
		});
	}

	@Test
	void endpointAndHealthDescribeThePeerAndItsRedis() {
		this.contextRunner()
			.withConfiguration(AutoConfigurations.of(GlobalValEndpointAutoConfiguration.class,
					GlobalValHealthContributorAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=globalval")
			.run((context) -> {
				context.getBean(GlobalValTemplate.class).set("a", 1).join();
				GlobalValDescriptor descriptor = context.getBean(GlobalValEndpoint.class).globalVal();
				assertThat(descriptor.role()).isEqualTo(Role.PEER);
				assertThat(descriptor.name()).isEqualTo(this.name);
				assertThat(descriptor.revision()).isEqualTo(1);
				assertThat(descriptor.keys()).isEqualTo(1);
				assertThat(descriptor.connected()).isTrue();
				assertThat(descriptor.address()).isEqualTo("redis://127.0.0.1:" + redis.port());
				assertThat(descriptor.workers()).isEmpty();
				Health health = context.getBean(GlobalValHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("role", Role.PEER)
					.containsEntry("connected", true)
					.containsEntry("address", "redis://127.0.0.1:" + redis.port())
					.containsEntry("topology", Map.of("mode", "standalone"))
					.doesNotContainKeys("socket", "redis", "workers");
				// a read that brings nothing (block-timeout=200ms) is followed by a check of the history
				await().atMost(WAIT).untilAsserted(() -> assertThat(context.getBean(GlobalValHealthIndicator.class)
					.health()
					.getDetails()).extractingByKey("historyCheck")
					.asInstanceOf(InstanceOfAssertFactories.MAP)
					.containsEntry("outcome", "same history at revision 1")
					.containsKey("at"));
			});
	}

	@Test
	void peerCutOffFromRedisForTooLongIsDown() throws Exception {
		try (RedisServer own = RedisServer.start(Files.createDirectories(this.directory.resolve("own")))) {
			this.contextRunner(own)
				.withConfiguration(AutoConfigurations.of(GlobalValHealthContributorAutoConfiguration.class))
				.withPropertyValues("globalval.health.max-disconnected=200ms")
				.run((context) -> {
					GlobalValHealthIndicator indicator = context.getBean(GlobalValHealthIndicator.class);
					assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
					own.kill();
					await().atMost(WAIT)
						.untilAsserted(() -> assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN));
					assertThat(indicator.health().getDetails()).containsEntry("role", Role.PEER)
						.containsEntry("connected", false)
						.containsEntry("address", "redis://127.0.0.1:" + own.port())
						.containsKeys("disconnectedFor", "maxDisconnected")
						.hasEntrySatisfying("error", (error) -> assertThat(error.toString()).contains("Redis"));
					own.restart();
					await().atMost(WAIT)
						.untilAsserted(() -> assertThat(indicator.health().getStatus()).isEqualTo(Status.UP));
				});
		}
	}

	@Test
	void readinessFollowsTheConnectionToRedisWhenAskedTo() throws Exception {
		try (RedisServer own = RedisServer.start(Files.createDirectories(this.directory.resolve("own")))) {
			this.contextRunner(own)
				.withPropertyValues("globalval.readiness.follow-connection=true")
				.withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class))
				.run((context) -> {
					ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
					// what SpringApplication does once the application is ready
					AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
					own.kill();
					await().atMost(WAIT)
						.untilAsserted(() -> assertThat(availability.getReadinessState())
							.isEqualTo(ReadinessState.REFUSING_TRAFFIC));
					own.restart();
					await().atMost(WAIT)
						.untilAsserted(() -> assertThat(availability.getReadinessState())
							.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC));
				});
		}
	}

	@Test
	void metricsCountWhatAPeerApplies() {
		this.contextRunner()
			.withConfiguration(AutoConfigurations.of(GlobalValMetricsAutoConfiguration.class,
					MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class))
			.run((context) -> {
				GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
				template.set("a", 1).join();
				template.set("b", 2).join();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("globalval.changes.sent").tag("name", this.name).functionCounter().count())
					.isEqualTo(2);
				assertThat(registry.get("globalval.changes.applied").tag("name", this.name).functionCounter().count())
					.isEqualTo(2);
				assertThat(registry.get("globalval.keys").tag("name", this.name).gauge().value()).isEqualTo(2);
				assertThat(registry.get("globalval.workers").tag("name", this.name).gauge().value()).isZero();
				assertThat(registry.get("globalval.propagation").tag("name", this.name).timer().count())
					.isEqualTo(2);
			});
	}

}
