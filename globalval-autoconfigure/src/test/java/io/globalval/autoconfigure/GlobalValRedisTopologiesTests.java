package io.globalval.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.globalval.GlobalValTemplate;
import io.globalval.Role;
import io.globalval.autoconfigure.actuate.GlobalValHealthContributorAutoConfiguration;
import io.globalval.autoconfigure.actuate.GlobalValHealthIndicator;
import io.globalval.testsupport.RedisClusterServers;
import io.globalval.testsupport.RedisSentinels;
import io.globalval.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GlobalValAutoConfiguration} with {@code globalval.transport=redis} on
 * the Redis topologies that Spring Data Redis configures with no globalval property:
 * Sentinel ({@code spring.data.redis.sentinel.*}) and Redis Cluster
 * ({@code spring.data.redis.cluster.*}), on real servers, two applications each, through
 * a failover; the health details show the topology.
 */
class GlobalValRedisTopologiesTests {

	private static final Logger logger = LoggerFactory.getLogger(GlobalValRedisTopologiesTests.class);

	private static final Duration FAILOVER = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, GlobalValAutoConfiguration.class,
					GlobalValHealthContributorAutoConfiguration.class))
			.withPropertyValues("globalval.transport=redis", "globalval.name=app",
					"globalval.uds.directory=" + this.directory.resolve("uds"), "globalval.redis.block-timeout=200ms",
					"globalval.write-timeout=30s")
			.withPropertyValues(properties);
	}

	@Test
	void peersThroughSpringDataRedisSentinelFollowAFailover() throws Exception {
		try (RedisServer primary = RedisServer.start(Files.createDirectories(this.directory.resolve("primary")));
				RedisServer replica = RedisServer.start(Files.createDirectories(this.directory.resolve("replica")),
						"--replicaof", "127.0.0.1", String.valueOf(primary.port()));
				RedisSentinels sentinels = RedisSentinels.start(this.directory, 3, primary.port(), 1)) {
			ApplicationContextRunner runner = contextRunner("spring.data.redis.sentinel.master=" + RedisSentinels.MASTER,
					"spring.data.redis.sentinel.nodes=" + sentinels.nodes());
			runner.run((first) -> runner.run((second) -> {
				GlobalValTemplate a = first.getBean(GlobalValTemplate.class);
				GlobalValTemplate b = second.getBean(GlobalValTemplate.class);
				assertThat(a.role()).isEqualTo(Role.PEER);
				long revision = a.set("before", 1).get(FAILOVER.toSeconds(), TimeUnit.SECONDS);
				assertThat(b.awaitRevision(revision).get(FAILOVER.toSeconds(), TimeUnit.SECONDS)).isEqualTo(revision);
				assertThat(b.get("before")).isEqualTo(1);
				Health health = first.getBean(GlobalValHealthIndicator.class).health();
				assertThat(health.getDetails())
					.containsEntry("topology", Map.of("mode", "sentinel", "master", RedisSentinels.MASTER))
					.containsEntry("address", "redis-sentinel://" + sentinels.nodes() + " (master mymaster)");
				// no write is lost to the failover once the replica has it
				try (RedisClient client = RedisClient.create(replica.uri());
						StatefulRedisConnection<String, String> connection = client.connect()) {
					await().atMost(FAILOVER).until(() -> String.valueOf(revision)
						.equals(connection.sync().get("{globalval:app}:revision")));
				}
				long killed = System.nanoTime();
				primary.kill();
				b.set("after", 2).get(FAILOVER.toSeconds() + 5, TimeUnit.SECONDS);
				awaitConverged(a, b);
				logger.info("Sentinel failover through Spring Data Redis: converged {} ms after the kill",
						TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
				assertThat(sentinels.masterPort()).isEqualTo(replica.port());
				assertThat(a.entries()).containsEntry("before", 1).containsEntry("after", 2);
				assertThat(first.getBean(GlobalValHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
			}));
		}
	}

	@Test
	void peersThroughSpringDataRedisClusterFollowAFailoverOfTheirSlot() throws Exception {
		try (RedisClusterServers cluster = RedisClusterServers.start(this.directory, 3)) {
			ApplicationContextRunner runner = contextRunner("spring.data.redis.cluster.nodes=" + cluster.nodes(),
					"spring.data.redis.lettuce.cluster.refresh.adaptive=true",
					"spring.data.redis.lettuce.cluster.refresh.period=30s");
			String key = "{globalval:app}:changes";
			runner.run((first) -> runner.run((second) -> {
				GlobalValTemplate a = first.getBean(GlobalValTemplate.class);
				GlobalValTemplate b = second.getBean(GlobalValTemplate.class);
				assertThat(a.role()).isEqualTo(Role.PEER);
				long revision = a.set("before", 1).get(FAILOVER.toSeconds(), TimeUnit.SECONDS);
				assertThat(b.awaitRevision(revision).get(FAILOVER.toSeconds(), TimeUnit.SECONDS)).isEqualTo(revision);
				int owner = cluster.ownerOf(key, 0);
				Health health = first.getBean(GlobalValHealthIndicator.class).health();
				assertThat(health.getDetails()).extractingByKey("topology")
					.asInstanceOf(InstanceOfAssertFactories.MAP)
					.containsEntry("mode", "cluster")
					.containsEntry("slot", SlotHash.getSlot(key))
					.containsEntry("owner", "127.0.0.1:" + owner);
				long killed = System.nanoTime();
				cluster.server(owner).kill();
				b.set("after", 2).get(FAILOVER.toSeconds() + 5, TimeUnit.SECONDS);
				awaitConverged(a, b);
				logger.info("Cluster failover through Spring Data Redis: converged {} ms after the kill",
						TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
				int promoted = cluster.ownerOf(key, owner);
				assertThat(promoted).isNotEqualTo(owner);
				assertThat(a.entries()).containsEntry("before", 1).containsEntry("after", 2);
				await().atMost(FAILOVER)
					.untilAsserted(() -> assertThat(first.getBean(GlobalValHealthIndicator.class).health().getDetails())
						.extractingByKey("topology")
						.asInstanceOf(InstanceOfAssertFactories.MAP)
						.containsEntry("owner", "127.0.0.1:" + promoted));
			}));
		}
	}

	private static void awaitConverged(GlobalValTemplate a, GlobalValTemplate b) {
		await().atMost(FAILOVER).untilAsserted(() -> {
			assertThat(a.revision()).isEqualTo(b.revision());
			assertThat(a.entries()).isEqualTo(b.entries());
		});
	}

}
