package io.globalval.autoconfigure.environment;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;

import io.globalval.autoconfigure.GlobalValProperties;
import io.globalval.core.ChangeEvent;
import io.globalval.core.GlobalValNode;
import io.globalval.event.GlobalValPropertyRejectedEvent;

/**
 * Live configuration: keeps a {@link GlobalValPropertySource} in the Environment in step
 * with the global values under a key prefix, and tells the application when its
 * properties change.
 * <p>
 * It is driven on the node's event thread, before the {@code GlobalValChangedEvent} of
 * the same change, so a listener of that event already reads the new property. When the
 * node becomes ready (before the web server starts) the whole replica is loaded. Each
 * change is first bound on trial by every {@code @ConfigurationProperties} bean it
 * touches ({@link BindingCheck}); one that a bean cannot take is not installed: the
 * property keeps its value, and the refusal is logged at ERROR and published as a
 * {@link GlobalValPropertyRejectedEvent}. An installed change publishes Spring Cloud's
 * {@code EnvironmentChangeEvent} (its {@code ConfigurationPropertiesRebinder} rebinds the
 * {@code @ConfigurationProperties} beans) and refreshes the {@code @RefreshScope} beans,
 * when spring-cloud-context is on the class path; without it only the Environment (and
 * what reads it afterwards) sees the new value.
 */
public final class GlobalValLiveProperties implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(GlobalValLiveProperties.class);

	private final GlobalValNode node;

	private final ConfigurableEnvironment environment;

	private final ApplicationContext context;

	private final PropertyNames names;

	private final GlobalValPropertySource source = new GlobalValPropertySource();

	private final BindingCheck bindingCheck;

	private volatile Collection<ConfigurationPropertiesBean> beans;

	/** The revision the property source reflects: older change events are skipped. */
	private long revision = -1;

	/**
	 * Create the live properties and add their property source to the Environment.
	 * @param node the node whose values become properties
	 * @param environment the application's Environment
	 * @param context the application context, whose events and beans are told of changes
	 * @param settings the {@code globalval.property-source.*} settings
	 */
	public GlobalValLiveProperties(GlobalValNode node, ConfigurableEnvironment environment,
			ApplicationContext context, GlobalValProperties.PropertySource settings) {
		this.node = node;
		this.environment = environment;
		this.context = context;
		this.names = new PropertyNames(settings.getKeyPrefix());
		this.bindingCheck = new BindingCheck(environment, this::configurationPropertiesBeans);
		add(environment.getPropertySources(), settings.getPrecedence());
	}

	private void add(MutablePropertySources sources, GlobalValProperties.Precedence precedence) {
		sources.remove(GlobalValPropertySource.NAME);
		String commandLine = CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME;
		switch (precedence) {
			case FIRST -> sources.addFirst(this.source);
			case LAST -> sources.addLast(this.source);
			case BELOW_COMMAND_LINE -> {
				if (sources.contains(commandLine)) {
					sources.addAfter(commandLine, this.source);
				}
				else {
					sources.addFirst(this.source);
				}
			}
		}
	}

	/**
	 * Return the property source this keeps in the Environment.
	 * @return the property source
	 */
	public GlobalValPropertySource propertySource() {
		return this.source;
	}

	/**
	 * Load the whole replica: when the node is ready, and after it replaced its map with
	 * a snapshot.
	 */
	public synchronized void reload() {
		long current = this.node.replica().revision();
		Map<String, Object> values = this.node.replica().toMap();
		Set<String> keys = new LinkedHashSet<>();
		values.keySet().stream().filter(this.names::covers).forEach(keys::add);
		keys.addAll(this.source.keys());
		Set<String> changed = new LinkedHashSet<>();
		for (String key : keys) {
			install(key, values.get(key), current, changed);
		}
		this.revision = Math.max(this.revision, current);
		tell(changed);
	}

	/**
	 * Take one change the node applied.
	 * @param change the change
	 */
	public synchronized void apply(ChangeEvent change) {
		if (change.revision() <= this.revision) {
			// already loaded with the replica
			return;
		}
		this.revision = change.revision();
		if (!this.names.covers(change.key())) {
			return;
		}
		Set<String> changed = new LinkedHashSet<>();
		install(change.key(), change.isDeleted() ? null : change.value(), change.revision(), changed);
		tell(changed);
	}

	private void install(String key, Object value, long revision, Set<String> changed) {
		Map<String, Object> now = this.names.covers(key) ? this.names.properties(key, value) : Map.of();
		Map<String, Object> before = this.source.propertiesOf(key);
		if (now.equals(before)) {
			return;
		}
		String refusal = this.bindingCheck.check(this.source, now, before);
		if (refusal != null) {
			logger.error("Global value '{}' (revision {}) is not applied to the Environment: {}. The properties keep "
					+ "their values {}; set a value that binds", key, revision, refusal, before);
			this.context.publishEvent(new GlobalValPropertyRejectedEvent(this.node, key, revision, refusal));
			return;
		}
		this.source.replace(key, now, before);
		changed.addAll(now.keySet());
		changed.addAll(before.keySet());
	}

	private void tell(Set<String> changed) {
		if (changed.isEmpty()) {
			return;
		}
		logger.debug("Global values changed the properties {}", changed);
		if (SpringCloudRefresh.PRESENT) {
			SpringCloudRefresh.refresh(this.context, changed);
		}
	}

	private Collection<ConfigurationPropertiesBean> configurationPropertiesBeans() {
		Collection<ConfigurationPropertiesBean> found = this.beans;
		if (found == null) {
			// the beans are all there once the context has started: looked up once
			found = ConfigurationPropertiesBean.getAll(this.context).values();
			this.beans = found;
		}
		return found;
	}

	/**
	 * Return the values the property source holds now, for tests and diagnostics.
	 * @return the property names and values
	 */
	public Map<String, Object> properties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String name : this.source.getPropertyNames()) {
			properties.put(name, this.source.getProperty(name));
		}
		return properties;
	}

	@Override
	public void destroy() {
		this.environment.getPropertySources().remove(GlobalValPropertySource.NAME);
	}

}
