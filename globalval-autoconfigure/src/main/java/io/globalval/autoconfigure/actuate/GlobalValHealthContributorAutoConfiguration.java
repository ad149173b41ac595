package io.globalval.autoconfigure.actuate;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import io.globalval.autoconfigure.GlobalValAutoConfiguration;
import io.globalval.autoconfigure.GlobalValClusterLifecycle;
import io.globalval.autoconfigure.GlobalValConnectionMonitor;
import io.globalval.autoconfigure.GlobalValProperties;
import io.globalval.core.GlobalValNode;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the
 * {@link GlobalValHealthIndicator}, when Spring Boot's health support is present. Its key
 * in the health endpoint and in health groups is {@code globalval}
 * ({@code management.endpoint.health.group.readiness.include=globalval}), as in
 * {@code management.health.globalval.enabled}.
 */
@AutoConfiguration(after = GlobalValAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean({ GlobalValNode.class, GlobalValConnectionMonitor.class })
public final class GlobalValHealthContributorAutoConfiguration {

	/** Name of the indicator's bean, from which Spring Boot derives its key {@code globalval}. */
	static final String HEALTH_INDICATOR_BEAN = "globalvalHealthIndicator";

	// on the method, not the class: its condition is only loaded once health support is known to be there
	// the bean's name less "HealthIndicator" is the contributor's key: "globalval"
	@Bean(HEALTH_INDICATOR_BEAN)
	@ConditionalOnEnabledHealthIndicator("globalval")
	@ConditionalOnMissingBean(name = { HEALTH_INDICATOR_BEAN, "globalvalHealthContributor", "globalValHealthIndicator",
			"globalValHealthContributor" })
	GlobalValHealthIndicator globalvalHealthIndicator(GlobalValNode node, GlobalValConnectionMonitor monitor,
			GlobalValProperties properties, ObjectProvider<GlobalValClusterLifecycle> cluster) {
		return new GlobalValHealthIndicator(node, monitor, properties.getHealth().getMaxDisconnected(),
				cluster.getIfUnique());
	}

}
