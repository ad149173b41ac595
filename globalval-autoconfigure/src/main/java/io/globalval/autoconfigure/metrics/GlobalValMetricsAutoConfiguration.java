package io.globalval.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.globalval.autoconfigure.GlobalValAutoConfiguration;
import io.globalval.core.GlobalValNode;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the Micrometer meters of
 * globalval, when a {@link MeterRegistry} exists. Spring Boot binds the
 * {@link GlobalValMetrics} to its registries.
 */
@AutoConfiguration(after = GlobalValAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, GlobalValNode.class })
public final class GlobalValMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	GlobalValMetrics globalValMetrics(GlobalValNode node) {
		return new GlobalValMetrics(node);
	}

}
