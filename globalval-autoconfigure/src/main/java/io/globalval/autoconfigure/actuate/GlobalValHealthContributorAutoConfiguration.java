package io.globalval.autoconfigure.actuate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import io.globalval.autoconfigure.GlobalValAutoConfiguration;
import io.globalval.autoconfigure.GlobalValConnectionMonitor;
import io.globalval.autoconfigure.GlobalValProperties;
import io.globalval.core.GlobalValNode;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the
 * {@link GlobalValHealthIndicator}, when Spring Boot's health support is present.
 */
@AutoConfiguration(after = GlobalValAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean({ GlobalValNode.class, GlobalValConnectionMonitor.class })
public final class GlobalValHealthContributorAutoConfiguration {

	// on the method, not the class: its condition is only loaded once health support is known to be there
	@Bean
	@ConditionalOnEnabledHealthIndicator("globalval")
	@ConditionalOnMissingBean(name = { "globalValHealthIndicator", "globalValHealthContributor" })
	GlobalValHealthIndicator globalValHealthIndicator(GlobalValNode node, GlobalValConnectionMonitor monitor,
			GlobalValProperties properties) {
		return new GlobalValHealthIndicator(node, monitor, properties.getHealth().getMaxDisconnected());
	}

}
