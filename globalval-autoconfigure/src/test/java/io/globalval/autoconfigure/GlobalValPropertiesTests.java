package io.globalval.autoconfigure;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.unit.DataSize;

import io.globalval.autoconfigure.GlobalValProperties.Transport;
import io.globalval.core.NodeSettings;
import io.globalval.core.RolePreference;
import io.globalval.transport.redis.RedisTransportSettings;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GlobalValProperties} and its generated metadata.
 */
class GlobalValPropertiesTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void defaults() {
		this.contextRunner.run((context) -> {
			GlobalValProperties properties = context.getBean(GlobalValProperties.class);
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.getRole()).isEqualTo(RolePreference.AUTO);
			assertThat(properties.getName()).isNull();
			assertThat(properties.getTransport()).isEqualTo(Transport.UDS);
			assertThat(properties.getUds().getDirectory()).isNull();
			assertThat(properties.getWriteTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(properties.getStartupTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.getMaxKeyLength()).isEqualTo(256);
			assertThat(properties.getMaxValueSize()).isEqualTo(DataSize.ofMegabytes(1));
			assertThat(properties.getMaxFrameSize()).isEqualTo(DataSize.ofMegabytes(16));
			assertThat(properties.getHealth().getMaxDisconnected()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.getRedis().getStreamMaxLength())
				.isEqualTo(RedisTransportSettings.DEFAULT_STREAM_MAX_LENGTH);
			assertThat(properties.getRedis().getBlockTimeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.getRedis().getWriteIdRetention()).isEqualTo(Duration.ofMinutes(10));
			assertThat(properties.getRedis().getMaxWriteIdsPerNode()).isEqualTo(100_000);
			assertThat(properties.getReadiness().isFollowConnection()).isFalse();
		});
	}

	@Test
	void bindsFromYaml() {
		this.contextRunner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(loadYaml("globalval-test.yml")))
			.run((context) -> assertBoundFromTestConfiguration(context.getBean(GlobalValProperties.class)));
	}

	@Test
	void bindsFromEnvironmentVariables() {
		Map<String, Object> variables = new HashMap<>();
		variables.put("GLOBALVAL_ROLE", "worker");
		variables.put("GLOBALVAL_NAME", "orders");
		variables.put("GLOBALVAL_TRANSPORT", "uds");
		variables.put("GLOBALVAL_NODENAME", "web-1");
		variables.put("GLOBALVAL_UDS_DIRECTORY", "/var/run/orders");
		variables.put("GLOBALVAL_WRITETIMEOUT", "2s");
		variables.put("GLOBALVAL_STARTUPTIMEOUT", "1m");
		variables.put("GLOBALVAL_MAXKEYLENGTH", "64");
		variables.put("GLOBALVAL_MAXVALUESIZE", "2MB");
		variables.put("GLOBALVAL_MAXFRAMESIZE", "32MB");
		variables.put("GLOBALVAL_MAXQUEUEDSIZE", "8MB");
		variables.put("GLOBALVAL_PINGINTERVAL", "500ms");
		variables.put("GLOBALVAL_CHANGELOG_CAPACITY", "1000");
		variables.put("GLOBALVAL_CHANGELOG_MAXSIZE", "4MB");
		variables.put("GLOBALVAL_HEALTH_MAXDISCONNECTED", "3s");
		variables.put("GLOBALVAL_REDIS_STREAMMAXLENGTH", "5000");
		variables.put("GLOBALVAL_REDIS_BLOCKTIMEOUT", "250ms");
		variables.put("GLOBALVAL_REDIS_WRITEIDRETENTION", "2m");
		variables.put("GLOBALVAL_REDIS_MAXWRITEIDSPERNODE", "500");
		// the name tells Spring Boot to map it like the process environment
		SystemEnvironmentPropertySource environment = new SystemEnvironmentPropertySource("test-systemEnvironment",
				variables);
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment().getPropertySources().addFirst(environment))
			.run((context) -> assertBoundFromTestConfiguration(context.getBean(GlobalValProperties.class)));
	}

	@Test
	void transportRedisBinds() {
		this.contextRunner.withPropertyValues("globalval.transport=redis")
			.run((context) -> assertThat(context.getBean(GlobalValProperties.class).getTransport())
				.isEqualTo(Transport.REDIS));
	}

	@Test
	void roleIsCaseInsensitive() {
		this.contextRunner.withPropertyValues("globalval.role=MASTER")
			.run((context) -> assertThat(context.getBean(GlobalValProperties.class).getRole())
				.isEqualTo(RolePreference.MASTER));
	}

	@Test
	void sizeOverTwoGigabytesIsRefusedNamingTheProperty() {
		this.contextRunner.withPropertyValues("globalval.max-frame-size=3GB").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("globalval.max-frame-size")
				.hasMessageContaining("2GB");
		});
	}

	@Test
	void clusterModeOnRedisIsRefusedOnceBound() {
		this.contextRunner.withPropertyValues("globalval.transport=redis", "globalval.cluster.workers=2")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("globalval.cluster.workers")
					.hasMessageContaining("globalval.cluster.workers=0");
			});
	}

	@Test
	void transportLocalAndReadinessBind() {
		this.contextRunner.withPropertyValues("globalval.transport=local", "globalval.readiness.follow-connection=true")
			.run((context) -> {
				GlobalValProperties properties = context.getBean(GlobalValProperties.class);
				assertThat(properties.getTransport()).isEqualTo(Transport.LOCAL);
				assertThat(properties.getReadiness().isFollowConnection()).isTrue();
			});
	}

	@Test
	void clusterModeOnLocalIsRefusedOnceBound() {
		this.contextRunner.withPropertyValues("globalval.transport=local", "globalval.cluster.workers=3")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("Property globalval.cluster.workers with value '3' is invalid")
					.hasMessageContaining("globalval.transport=local keeps them in this process only")
					.hasMessageContaining("set globalval.cluster.workers=0");
			});
	}

	@Test
	void roleWorkerOnLocalIsRefusedOnceBound() {
		this.contextRunner.withPropertyValues("globalval.transport=local", "globalval.role=worker")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("globalval.role")
					.hasMessageContaining("use globalval.role=auto");
			});
	}

	@Test
	void metadataDescribesEveryProperty() throws Exception {
		JsonNode metadata = readMetadata();
		Map<String, JsonNode> properties = new HashMap<>();
		metadata.get("properties").forEach((property) -> properties.put(property.get("name").asString(), property));
		assertThat(properties).containsKeys("globalval.enabled", "globalval.role", "globalval.name",
				"globalval.transport", "globalval.uds.directory", "globalval.write-timeout", "globalval.max-key-length",
				"globalval.max-value-size", "globalval.max-frame-size", "globalval.startup-timeout",
				"globalval.health.max-disconnected", "globalval.node-name", "globalval.change-log.capacity",
				"globalval.change-log.max-size", "globalval.redis.stream-max-length", "globalval.redis.block-timeout",
				"globalval.redis.write-id-retention", "globalval.redis.max-write-ids-per-node",
				"globalval.readiness.follow-connection", "management.health.globalval.enabled");
		properties.forEach((name, property) -> {
			if (name.startsWith("globalval.")) {
				assertThat(property.path("description").asString()).as(name).isNotBlank();
			}
		});
		assertThat(properties.get("globalval.write-timeout").get("defaultValue").asString()).isEqualTo("5s");
		assertThat(properties.get("globalval.max-pending-writes").get("defaultValue").asInt())
			.isEqualTo(NodeSettings.DEFAULT_MAX_PENDING_WRITES);
		assertThat(properties.get("globalval.max-value-size").get("defaultValue").asString()).isEqualTo("1MB");
		assertThat(properties.get("globalval.role").get("defaultValue").asString()).isEqualTo("auto");
		assertThat(properties.get("globalval.redis.block-timeout").get("defaultValue").asString()).isEqualTo("1s");
		assertThat(properties.get("globalval.readiness.follow-connection").get("defaultValue").asBoolean()).isFalse();
		assertThat(properties.get("management.health.globalval.enabled").get("defaultValue").asBoolean()).isTrue();
		assertThat(properties.get("globalval.redis.stream-max-length").get("defaultValue").asLong())
			.isEqualTo(RedisTransportSettings.DEFAULT_STREAM_MAX_LENGTH);
	}

	@Test
	void metadataHintsTheRoles() throws Exception {
		JsonNode metadata = readMetadata();
		List<String> roles = new java.util.ArrayList<>();
		metadata.get("hints").forEach((hint) -> {
			if (hint.get("name").asString().equals("globalval.role")) {
				hint.get("values").forEach((value) -> roles.add(value.get("value").asString()));
			}
		});
		assertThat(roles).containsExactly("auto", "master", "worker");
	}

	@Test
	void metadataHintsTheTransports() throws Exception {
		List<String> transports = new java.util.ArrayList<>();
		readMetadata().get("hints").forEach((hint) -> {
			if (hint.get("name").asString().equals("globalval.transport")) {
				hint.get("values").forEach((value) -> transports.add(value.get("value").asString()));
			}
		});
		assertThat(transports).containsExactly("uds", "tcp", "redis", "local");
	}

	private static JsonNode readMetadata() throws Exception {
		ClassPathResource resource = new ClassPathResource(METADATA, GlobalValProperties.class.getClassLoader());
		assertThat(resource.getURL().toString()).as("metadata of this module, not of a jar")
			.doesNotContain(".jar!");
		try (InputStream in = resource.getInputStream()) {
			return JsonMapper.builder().build().readTree(in);
		}
	}

	private static void assertBoundFromTestConfiguration(GlobalValProperties properties) {
		assertThat(properties.getRole()).isEqualTo(RolePreference.WORKER);
		assertThat(properties.getName()).isEqualTo("orders");
		assertThat(properties.getTransport()).isEqualTo(Transport.UDS);
		assertThat(properties.getNodeName()).isEqualTo("web-1");
		assertThat(properties.getUds().getDirectory()).isEqualTo(Path.of("/var/run/orders"));
		assertThat(properties.getWriteTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(properties.getStartupTimeout()).isEqualTo(Duration.ofMinutes(1));
		assertThat(properties.getMaxKeyLength()).isEqualTo(64);
		assertThat(properties.getMaxValueSize()).isEqualTo(DataSize.ofMegabytes(2));
		assertThat(properties.getMaxFrameSize()).isEqualTo(DataSize.ofMegabytes(32));
		assertThat(properties.getMaxQueuedSize()).isEqualTo(DataSize.ofMegabytes(8));
		assertThat(properties.getPingInterval()).isEqualTo(Duration.ofMillis(500));
		assertThat(properties.getChangeLog().getCapacity()).isEqualTo(1000);
		assertThat(properties.getChangeLog().getMaxSize()).isEqualTo(DataSize.ofMegabytes(4));
		assertThat(properties.getHealth().getMaxDisconnected()).isEqualTo(Duration.ofSeconds(3));
		assertThat(properties.getRedis().getStreamMaxLength()).isEqualTo(5000);
		assertThat(properties.getRedis().getBlockTimeout()).isEqualTo(Duration.ofMillis(250));
		assertThat(properties.getRedis().getWriteIdRetention()).isEqualTo(Duration.ofMinutes(2));
		assertThat(properties.getRedis().getMaxWriteIdsPerNode()).isEqualTo(500);
	}

	private static PropertySource<?> loadYaml(String name) {
		try {
			List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(name, new ClassPathResource(name));
			return sources.get(0);
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(GlobalValProperties.class)
	static class PropertiesConfiguration {

	}

}
