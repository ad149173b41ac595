package io.globalval.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import io.lettuce.core.AbstractRedisClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisSocketConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.globalval.GlobalValNodes;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.Transport;
import io.globalval.transport.redis.RedisSequencer;
import io.globalval.transport.redis.RedisTransportSettings;
import io.globalval.transport.tcp.TcpTransport;
import io.globalval.transport.uds.UdsTransport;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link GlobalValNode} of this process, one configuration per
 * {@code globalval.transport}, imported by {@link GlobalValAutoConfiguration}. Each node
 * starts with the {@link GlobalValEventPublisher} already listening, so that the role, a
 * first snapshot and every change are published.
 */
final class GlobalValNodeConfigurations {

	/** The property that chooses the transport. */
	static final String TRANSPORT = "globalval.transport";

	private GlobalValNodeConfigurations() {
	}

	/**
	 * Fail when the bound transport is not one this configuration serves. Conditions pick
	 * the configuration, so this only happens to an application processed ahead of time
	 * (a native image), whose conditions were evaluated when it was built.
	 */
	static void requireTransport(GlobalValProperties properties, GlobalValProperties.Transport... served) {
		GlobalValProperties.Transport transport = properties.getTransport();
		if (!Arrays.asList(served).contains(transport)) {
			String built = Arrays.stream(served)
				.map((candidate) -> candidate.name().toLowerCase(Locale.ROOT))
				.collect(Collectors.joining(" or "));
			throw new InvalidConfigurationPropertyValueException(TRANSPORT, transport.name().toLowerCase(Locale.ROOT),
					"This application was processed ahead of time (AOT, native image) with globalval.transport=" + built
							+ ", and AOT fixes the transport at build time; build it again with the transport it "
							+ "runs on");
		}
	}

	/**
	 * The transports with a master process, on one host: the Unix domain socket (the
	 * default) or loopback TCP with a shared secret.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnExpression("'${" + TRANSPORT + ":uds}'.toLowerCase() matches 'uds|tcp'")
	static class UdsNodeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GlobalValNode globalValNode(GlobalValProperties properties, Environment environment,
				ObjectProvider<JsonMapper> jsonMapper, GlobalValEventPublisher events) {
			requireTransport(properties, GlobalValProperties.Transport.UDS, GlobalValProperties.Transport.TCP);
			NodeSettings settings = GlobalValAutoConfiguration.nodeSettings(properties, environment);
			Transport transport = (properties.getTransport() == GlobalValProperties.Transport.TCP)
					? new TcpTransport(GlobalValAutoConfiguration.tcpSettings(properties.getTcp())) : new UdsTransport();
			GlobalValNode node = GlobalValNodes.builder(settings)
				.transport(transport)
				.jsonMapper(jsonMapper.getIfAvailable(GlobalValAutoConfiguration::defaultMapper))
				.listener(events)
				.start();
			events.listeningTo(node);
			return node;
		}

	}

	/**
	 * The local transport: this process only, the master of a group of one, with no
	 * socket, lock file or directory.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = TRANSPORT, havingValue = "local")
	static class LocalNodeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GlobalValNode globalValNode(GlobalValProperties properties, Environment environment,
				ObjectProvider<JsonMapper> jsonMapper, GlobalValEventPublisher events) {
			requireTransport(properties, GlobalValProperties.Transport.LOCAL);
			GlobalValNode node = GlobalValNodes.builder(GlobalValAutoConfiguration.nodeSettings(properties, environment))
				.local()
				.jsonMapper(jsonMapper.getIfAvailable(GlobalValAutoConfiguration::defaultMapper))
				.listener(events)
				.start();
			events.listeningTo(node);
			return node;
		}

	}

	/**
	 * The Redis transport: a peer of the Redis server that the application's
	 * {@link LettuceConnectionFactory} ({@code spring.data.redis.*}) connects to, standalone,
	 * through Sentinel ({@code spring.data.redis.sentinel.*}) or in a Redis Cluster
	 * ({@code spring.data.redis.cluster.*}). The node uses the factory's Lettuce client (its
	 * event loops, SSL, credentials, timeouts and Cluster topology refresh) and opens two
	 * connections of its own on it. Its runtime hints (the Lua scripts) are registered only
	 * when the transport is {@code redis} at build time.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { LETTUCE_CONNECTION_FACTORY, LETTUCE_CLIENT })
	@ConditionalOnProperty(name = TRANSPORT, havingValue = "redis")
	@ImportRuntimeHints(GlobalValRedisRuntimeHints.class)
	static class RedisNodeConfiguration {

		private static final Logger logger = LoggerFactory.getLogger(RedisNodeConfiguration.class);

		@Bean
		@ConditionalOnMissingBean
		GlobalValNode globalValNode(GlobalValProperties properties, Environment environment,
				ObjectProvider<JsonMapper> jsonMapper, GlobalValEventPublisher events,
				ObjectProvider<RedisConnectionFactory> connectionFactory) {
			requireTransport(properties, GlobalValProperties.Transport.REDIS);
			LettuceConnectionFactory factory = lettuceConnectionFactory(connectionFactory.getIfAvailable());
			RedisTransportSettings redisSettings = redisSettings(properties.getRedis());
			NodeSettings settings = GlobalValAutoConfiguration.nodeSettings(properties, environment);
			if (properties.getPersistence().isEnabled()) {
				logger.warn("globalval.persistence.enabled is ignored on the Redis transport: Redis keeps the values "
						+ "of '{}'; make Redis persist them (appendonly yes) instead", settings.name());
			}
			if (!factory.isRunning()) {
				// a factory without early startup gets its client when it starts; the node needs it now
				factory.start();
			}
			AbstractRedisClient client = factory.getRequiredNativeClient();
			RedisSequencer sequencer;
			try {
				sequencer = new RedisSequencer(client, redisSettings, address(factory), sentinelMaster(factory));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(TRANSPORT, "redis", ex.getMessage());
			}
			GlobalValNode node = GlobalValNodes.builder(settings)
				.sequencer(sequencer)
				.jsonMapper(jsonMapper.getIfAvailable(GlobalValAutoConfiguration::defaultMapper))
				.listener(events)
				.start();
			events.listeningTo(node);
			return node;
		}

		private static LettuceConnectionFactory lettuceConnectionFactory(RedisConnectionFactory factory) {
			if (factory == null) {
				throw new InvalidConfigurationPropertyValueException(TRANSPORT, "redis",
						"The Redis transport uses the application's RedisConnectionFactory, but there is none; "
								+ "add spring-boot-starter-data-redis (it configures one from spring.data.redis.*) "
								+ "or define a LettuceConnectionFactory bean");
			}
			if (!(factory instanceof LettuceConnectionFactory lettuce)) {
				throw new InvalidConfigurationPropertyValueException(TRANSPORT, "redis",
						"The Redis transport needs Lettuce, but the application's RedisConnectionFactory is a "
								+ factory.getClass().getName() + "; use a LettuceConnectionFactory "
								+ "(spring.data.redis.client-type=lettuce, with io.lettuce:lettuce-core on the classpath)");
			}
			return lettuce;
		}

		static RedisTransportSettings redisSettings(GlobalValProperties.Redis redis) {
			RedisTransportSettings.Builder builder = RedisTransportSettings.builder();
			PropertyMapper map = PropertyMapper.get();
			map.from(redis::getStreamMaxLength).to(builder::streamMaxLength);
			map.from(redis::getBlockTimeout).to(builder::blockTimeout);
			map.from(redis::getWriteIdRetention).to(builder::writeIdRetention);
			map.from(redis::getMaxWriteIdsPerNode).to(builder::maxWriteIdsPerNode);
			map.from(redis::getReplicasToAck).to(builder::replicasToAck);
			map.from(redis::isAllowEviction).to(builder::allowEviction);
			return builder.build();
		}

		/**
		 * The master name that the factory's client asks the sentinels for, or {@code null}
		 * when it does not use Sentinel.
		 */
		static String sentinelMaster(LettuceConnectionFactory factory) {
			RedisSentinelConfiguration sentinel = factory.getSentinelConfiguration();
			if (!factory.isRedisSentinelAware() || sentinel == null) {
				return null;
			}
			return (sentinel.getMaster() != null) ? sentinel.getMaster().getName() : "?";
		}

		/**
		 * Where the factory's client connects, for logs and health details: Lettuce does
		 * not tell a client's URI. Never the password.
		 */
		static String address(LettuceConnectionFactory factory) {
			RedisClusterConfiguration cluster = factory.getClusterConfiguration();
			if (factory.isClusterAware() && cluster != null) {
				return "redis-cluster://"
						+ cluster.getClusterNodes().stream().map(RedisNode::asString).collect(Collectors.joining(","));
			}
			RedisSentinelConfiguration sentinel = factory.getSentinelConfiguration();
			if (factory.isRedisSentinelAware() && sentinel != null) {
				String master = (sentinel.getMaster() != null) ? sentinel.getMaster().getName() : "?";
				return "redis-sentinel://"
						+ sentinel.getSentinels().stream().map(RedisNode::asString).collect(Collectors.joining(","))
						+ " (master " + master + ")";
			}
			RedisSocketConfiguration socket = factory.getSocketConfiguration();
			if (socket != null) {
				return "redis-socket://" + socket.getSocket();
			}
			String database = (factory.getDatabase() != 0) ? "/" + factory.getDatabase() : "";
			return (factory.isUseSsl() ? "rediss://" : "redis://") + factory.getHostName() + ":" + factory.getPort()
					+ database;
		}

	}

	/**
	 * {@code globalval.transport=redis} without Spring Data Redis or Lettuce: a clear
	 * error rather than a process that silently shares nothing.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = TRANSPORT, havingValue = "redis")
	@Conditional(RedisClientMissingCondition.class)
	static class RedisClientMissingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GlobalValNode globalValNode() {
			throw new InvalidConfigurationPropertyValueException(TRANSPORT, "redis",
					"The Redis transport needs Spring Data Redis with Lettuce on the classpath; add the dependency "
							+ "org.springframework.boot:spring-boot-starter-data-redis and set spring.data.redis.* "
							+ "(or use globalval.transport=uds for processes on one host)");
		}

	}

	/**
	 * Matches when Spring Data Redis's Lettuce support or Lettuce itself is absent.
	 */
	static class RedisClientMissingCondition extends NoneNestedConditions {

		RedisClientMissingCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnClass(name = { LETTUCE_CONNECTION_FACTORY, LETTUCE_CLIENT })
		static class RedisClientsPresent {

		}

	}

	static final String LETTUCE_CONNECTION_FACTORY = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory";

	static final String LETTUCE_CLIENT = "io.lettuce.core.RedisClient";

}
