package io.globalval.autoconfigure.actuate;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.globalval.autoconfigure.GlobalValAutoConfiguration;
import io.globalval.core.GlobalValNode;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link GlobalValEndpoint},
 * when Actuator is present and the endpoint is available.
 */
@AutoConfiguration(after = GlobalValAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(GlobalValNode.class)
public final class GlobalValEndpointAutoConfiguration {

	// on the method, not the class: its condition is only loaded once Actuator is known to be there
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(GlobalValEndpoint.class)
	GlobalValEndpoint globalValEndpoint(GlobalValNode node) {
		return new GlobalValEndpoint(node);
	}

}
