package io.globalval.autoconfigure;

import java.nio.file.Path;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.NativeDetector;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

import io.globalval.GlobalValTemplate;
import io.globalval.autoconfigure.environment.GlobalValLiveProperties;
import io.globalval.core.GlobalValNode;
import io.globalval.cluster.WorkerLaunch;
import io.globalval.core.NodeSettings;
import io.globalval.core.Persistence;
import io.globalval.transport.tcp.TcpTransportSettings;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for globalval: the node of this
 * process (started and stopped with the context by a {@link GlobalValLifecycle}), a
 * {@link GlobalValTemplate}, the application events of what the node applies, and the
 * {@link io.globalval.event.GlobalValListener @GlobalValListener} methods that hear them
 * by key pattern.
 * <p>
 * The node depends on {@code globalval.transport}: {@code uds} (the default) makes a
 * master or worker on a Unix socket, {@code tcp} one on TCP with a shared secret;
 * {@code redis} makes a peer of the Redis server of the application's
 * {@code LettuceConnectionFactory} ({@code spring.data.redis.*}); {@code local} keeps the
 * values in this process only (tests, one-process applications). The beans only wire:
 * properties are mapped to the core's settings here and checked by
 * {@link GlobalValProperties} and the settings themselves.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "globalval.enabled", matchIfMissing = true)
@EnableConfigurationProperties(GlobalValProperties.class)
@Import({ GlobalValNodeConfigurations.UdsNodeConfiguration.class,
		GlobalValNodeConfigurations.LocalNodeConfiguration.class,
		GlobalValNodeConfigurations.RedisNodeConfiguration.class,
		GlobalValNodeConfigurations.RedisClientMissingConfiguration.class })
public final class GlobalValAutoConfiguration {

	/** The name used when neither globalval.name nor spring.application.name is set. */
	public static final String DEFAULT_NAME = "application";

	private static final Logger logger = LoggerFactory.getLogger(GlobalValAutoConfiguration.class);

	@Bean
	GlobalValEventPublisher globalValEventPublisher(ApplicationEventPublisher applicationEventPublisher,
			ObjectProvider<GlobalValLiveProperties> liveProperties) {
		return new GlobalValEventPublisher(applicationEventPublisher, liveProperties);
	}

	@Bean
	@ConditionalOnBooleanProperty("globalval.property-source.enabled")
	GlobalValLiveProperties globalValLiveProperties(GlobalValNode node, ConfigurableEnvironment environment,
			ApplicationContext context, GlobalValProperties properties) {
		return new GlobalValLiveProperties(node, environment, context, properties.getPropertySource());
	}

	@Bean
	static GlobalValListenerFactory globalValListenerFactory(ObjectProvider<GlobalValNode> node) {
		// static: Spring looks event listener factories up before it creates other beans
		return new GlobalValListenerFactory(node);
	}

	@Bean
	@ConditionalOnMissingBean
	GlobalValTemplate globalValTemplate(GlobalValNode node, ObjectProvider<JsonMapper> jsonMapper) {
		return new GlobalValTemplate(node, jsonMapper.getIfAvailable(() -> node.replica().codec().mapper()));
	}

	@Bean
	@ConditionalOnMissingBean
	GlobalValConnectionMonitor globalValConnectionMonitor(GlobalValNode node,
			ApplicationEventPublisher applicationEventPublisher,
			ObjectProvider<ApplicationAvailability> applicationAvailability, GlobalValProperties properties) {
		// without an availability the monitor leaves readiness alone: opt-in by property
		ApplicationAvailability availability = properties.getReadiness().isFollowConnection()
				? applicationAvailability.getIfAvailable() : null;
		return new GlobalValConnectionMonitor(node, applicationEventPublisher, availability);
	}

	@Bean
	GlobalValLifecycle globalValLifecycle(GlobalValNode node, GlobalValEventPublisher events,
			GlobalValConnectionMonitor monitor, GlobalValProperties properties) {
		return new GlobalValLifecycle(node, events, monitor, properties.getStartupTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	GlobalValClusterLifecycle globalValClusterLifecycle(GlobalValNode node, GlobalValProperties properties,
			ObjectProvider<ApplicationArguments> arguments, ApplicationContext context, Environment environment) {
		ApplicationArguments applicationArguments = arguments.getIfAvailable();
		String[] args = (applicationArguments != null) ? applicationArguments.getSourceArgs() : new String[0];
		GlobalValClusterLifecycle.refuseInNativeImage(properties.getCluster(), NativeDetector.inNativeImage());
		return new GlobalValClusterLifecycle(node, properties.getCluster(), args,
				GlobalValClusterPorts.of(properties.getCluster(), context, environment));
	}

	@Bean
	@ConditionalOnProperty(WorkerLaunch.PARENT_PID_VARIABLE)
	GlobalValParentWatch globalValParentWatch(Environment environment, ConfigurableApplicationContext context) {
		// set by a cluster-mode master with globalval.cluster.exit-with-parent for its workers
		long parentPid = environment.getRequiredProperty(WorkerLaunch.PARENT_PID_VARIABLE, Long.class);
		return new GlobalValParentWatch(parentPid, () -> System.exit(SpringApplication.exit(context, () -> 1)));
	}

	static NodeSettings nodeSettings(GlobalValProperties properties, Environment environment) {
		String name = applicationName(properties, environment);
		NodeSettings.Builder builder = NodeSettings.builder().name(name);
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getRole).to(builder::role);
		map.from(properties.getUds()::getDirectory).to(builder::directory);
		map.from(properties::getNodeName).whenHasText().to(builder::nodeName);
		// a cluster worker keeps its name (and its metrics' worker tag) across restarts
		String workerIndex = environment.getProperty(WorkerLaunch.WORKER_INDEX_VARIABLE);
		if (!StringUtils.hasText(properties.getNodeName()) && StringUtils.hasText(workerIndex)) {
			builder.nodeName("worker-" + workerIndex.trim());
		}
		map.from(properties::getWriteTimeout).to(builder::writeTimeout);
		map.from(properties::getMaxPendingWrites).to(builder::maxPendingWrites);
		map.from(properties::getMaxKeyLength).to(builder::maxKeyLength);
		// at most Integer.MAX_VALUE bytes: checked by GlobalValProperties
		map.from(properties::getMaxValueSize).asInt(DataSize::toBytes).to(builder::maxValueSize);
		map.from(properties::getMaxFrameSize).asInt(DataSize::toBytes).to(builder::maxFrameSize);
		map.from(properties.getChangeLog()::getCapacity).to(builder::changeLogCapacity);
		map.from(properties.getChangeLog()::getMaxSize).as(DataSize::toBytes).to(builder::changeLogMaxBytes);
		map.from(properties::getMaxQueuedSize).as(DataSize::toBytes).to(builder::maxQueuedBytes);
		map.from(properties::getPingInterval).to(builder::pingInterval);
		map.from(properties.getFailover()::getEnabled).to(builder::takeOver);
		map.from(properties.getFailover()::getMaxWait).to(builder::failoverMaxWait);
		map.from(properties::getPersistence)
			.when(GlobalValProperties.Persistence::isEnabled)
			.as((persistence) -> persistence(persistence, properties.getUds().getDirectory(), name))
			.to(builder::persistence);
		return builder.build();
	}

	static TcpTransportSettings tcpSettings(GlobalValProperties.Tcp tcp) {
		TcpTransportSettings.Builder builder = TcpTransportSettings.builder();
		PropertyMapper map = PropertyMapper.get();
		map.from(tcp::getHost).to(builder::host);
		map.from(tcp::getPort).to(builder::port);
		map.from(tcp::getSecret).whenHasText().to(builder::secret);
		return builder.build();
	}

	private static Persistence persistence(GlobalValProperties.Persistence persistence, Path socketDirectory,
			String name) {
		Path directory = persistence.getDirectory();
		if (directory == null) {
			directory = ((socketDirectory != null) ? socketDirectory : NodeSettings.defaultDirectory(name)).resolve("data");
		}
		return new Persistence(true, directory, persistence.getFsync(), persistence.getCompactAfter().toBytes());
	}

	static String applicationName(GlobalValProperties properties, Environment environment) {
		if (StringUtils.hasText(properties.getName())) {
			return properties.getName();
		}
		String applicationName = environment.getProperty("spring.application.name");
		if (StringUtils.hasText(applicationName)) {
			return applicationName;
		}
		if (properties.getTransport() != GlobalValProperties.Transport.LOCAL) {
			// called once per node: the warning is logged once per application context
			logger.warn("Neither globalval.name nor spring.application.name is set, so this process shares values with "
					+ "every other process named '{}' on globalval.transport={}; set spring.application.name (or "
					+ "globalval.name) to this application's name", DEFAULT_NAME,
					properties.getTransport().name().toLowerCase(Locale.ROOT));
		}
		return DEFAULT_NAME;
	}

	static JsonMapper defaultMapper() {
		return JsonMapper.builder().build();
	}

}
