package io.globalval.autoconfigure.observation;

import java.util.Locale;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

import io.globalval.GlobalValTemplate;
import io.globalval.autoconfigure.GlobalValAutoConfiguration;
import io.globalval.autoconfigure.GlobalValProperties;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of the observations of globalval
 * writes, when an {@link ObservationRegistry} exists: each {@link GlobalValTemplate} bean
 * (the class itself, not a subclass) is wrapped in an {@link ObservedGlobalValTemplate}.
 */
@AutoConfiguration(after = GlobalValAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ObservationRegistry.class, GlobalValTemplate.class })
public final class GlobalValObservationAutoConfiguration {

	@Bean
	static BeanPostProcessor globalValObservationPostProcessor(ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<GlobalValProperties> properties) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				// a subclass may be injected by its own type: only the plain template is wrapped
				if (bean instanceof GlobalValTemplate template && bean.getClass() == GlobalValTemplate.class) {
					GlobalValProperties settings = properties.getIfAvailable(GlobalValProperties::new);
					String transport = settings.getTransport().name().toLowerCase(Locale.ROOT);
					return new ObservedGlobalValTemplate(template, registry.getObject(), transport);
				}
				return bean;
			}

		};
	}

}
