package io.globalval.autoconfigure.environment;

import java.util.Set;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * What Spring Cloud's context does when properties change: an
 * {@link EnvironmentChangeEvent} (its rebinder rebinds the
 * {@code @ConfigurationProperties} beans) and a refresh of the {@link RefreshScope}.
 * Loaded only when spring-cloud-context is on the class path.
 */
final class SpringCloudRefresh {

	/** Whether spring-cloud-context is on the class path. */
	static final boolean PRESENT = ClassUtils.isPresent(
			"org.springframework.cloud.context.environment.EnvironmentChangeEvent",
			SpringCloudRefresh.class.getClassLoader());

	private SpringCloudRefresh() {
	}

	static void refresh(ApplicationContext context, Set<String> changed) {
		context.publishEvent(new EnvironmentChangeEvent(context, Set.copyOf(changed)));
		context.getBeanProvider(RefreshScope.class).ifAvailable(RefreshScope::refreshAll);
	}

}
