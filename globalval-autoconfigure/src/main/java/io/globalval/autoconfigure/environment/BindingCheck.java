package io.globalval.autoconfigure.environment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Binds, on trial, every {@code @ConfigurationProperties} bean that a change touches to
 * fresh instances, with the Environment as it would be after the change, so that a value
 * no bean can take is refused before any bean sees it. The beans themselves are not
 * touched.
 * <p>
 * It checks what binding checks (conversion, unknown enum constants, malformed lists and
 * maps), not Bean Validation constraints.
 */
final class BindingCheck {

	private final ConfigurableEnvironment environment;

	private final Supplier<Collection<ConfigurationPropertiesBean>> beans;

	BindingCheck(ConfigurableEnvironment environment, Supplier<Collection<ConfigurationPropertiesBean>> beans) {
		this.environment = environment;
		this.beans = beans;
	}

	/**
	 * Check a change of the global values' properties.
	 * @param source the property source as it is
	 * @param now the changed key's properties after the change
	 * @param before its properties before the change
	 * @return why the change cannot be bound, or {@code null} when every bean it touches
	 * binds
	 */
	String check(GlobalValPropertySource source, Map<String, Object> now, Map<String, Object> before) {
		List<ConfigurationPropertyName> changed = new ArrayList<>();
		now.keySet().forEach((name) -> changed.add(ConfigurationPropertyName.adapt(name, '.')));
		before.keySet().forEach((name) -> changed.add(ConfigurationPropertyName.adapt(name, '.')));
		Binder binder = null;
		for (ConfigurationPropertiesBean bean : this.beans.get()) {
			if (!touches(bean, changed)) {
				continue;
			}
			if (binder == null) {
				binder = trialBinder(source, now, before);
			}
			String prefix = bean.getAnnotation().prefix();
			Bindable<?> target = bean.asBindTarget();
			Bindable<?> fresh = Bindable.of(target.getType())
				.withAnnotations(target.getAnnotations())
				.withBindMethod(target.getBindMethod());
			try {
				binder.bind(prefix, fresh);
			}
			catch (BindException ex) {
				return "@ConfigurationProperties bean '" + bean.getName() + "' (" + target.getType() + ") cannot bind "
						+ describe(ex);
			}
			catch (RuntimeException ex) {
				return "@ConfigurationProperties bean '" + bean.getName() + "' (" + target.getType()
						+ ") cannot bind '" + prefix + "': " + ex;
			}
		}
		return null;
	}

	private static boolean touches(ConfigurationPropertiesBean bean, List<ConfigurationPropertyName> changed) {
		String prefix = bean.getAnnotation().prefix();
		if (prefix.isEmpty()) {
			return true;
		}
		ConfigurationPropertyName beanName = ConfigurationPropertyName.of(prefix);
		for (ConfigurationPropertyName name : changed) {
			if (beanName.equals(name) || beanName.isAncestorOf(name) || name.isAncestorOf(beanName)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A binder over the Environment's sources with the changed key's properties as they
	 * will be: the global values' source replaced by a copy with the change made.
	 */
	private Binder trialBinder(GlobalValPropertySource source, Map<String, Object> now, Map<String, Object> before) {
		Map<String, Object> trial = new LinkedHashMap<>();
		for (String name : source.getPropertyNames()) {
			trial.put(name, source.getProperty(name));
		}
		before.keySet().forEach(trial::remove);
		trial.putAll(now);
		MutablePropertySources sources = new MutablePropertySources();
		for (PropertySource<?> candidate : this.environment.getPropertySources()) {
			if (ConfigurationPropertySources.isAttachedConfigurationPropertySource(candidate)) {
				continue;
			}
			sources.addLast(candidate.getName().equals(GlobalValPropertySource.NAME)
					? new MapPropertySource(GlobalValPropertySource.NAME, trial) : candidate);
		}
		return new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources),
				ApplicationConversionService.getSharedInstance());
	}

	private static String describe(BindException ex) {
		String value = (ex.getProperty() != null) ? "='" + ex.getProperty().getValue() + "'" : "";
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		return ex.getName() + value + ": " + cause.getMessage();
	}

}
