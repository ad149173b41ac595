package io.globalval.autoconfigure.environment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.env.EnumerablePropertySource;

/**
 * The global values under a key prefix as Spring properties: key
 * {@code config.sample.greeting} is property {@code sample.greeting}; a JSON object
 * value becomes one property per field ({@code sample.limits.max}) and an array one per
 * element ({@code sample.hosts[0]}).
 * <p>
 * It holds what {@link GlobalValLiveProperties} has checked and installed, not the
 * replica itself: a value that no {@code @ConfigurationProperties} bean can bind never
 * shows here. Reads are lock-free; a change of one key is installed property by property.
 */
public final class GlobalValPropertySource extends EnumerablePropertySource<Map<String, ?>> {

	/** The name of the property source in the Environment. */
	public static final String NAME = "globalval";

	private final Map<String, Owned> properties;

	private volatile String[] names = new String[0];

	GlobalValPropertySource() {
		this(new ConcurrentHashMap<>());
	}

	private GlobalValPropertySource(Map<String, Owned> properties) {
		super(NAME, Collections.unmodifiableMap(properties));
		this.properties = properties;
	}

	@Override
	public Object getProperty(String name) {
		Owned owned = this.properties.get(name);
		return (owned != null) ? owned.value() : null;
	}

	@Override
	public boolean containsProperty(String name) {
		return this.properties.containsKey(name);
	}

	@Override
	public String[] getPropertyNames() {
		return this.names.clone();
	}

	/**
	 * Return the value of a property and the key it came from.
	 * @param name the property name
	 * @return the value, or {@code null}
	 */
	Owned owned(String name) {
		return this.properties.get(name);
	}

	/**
	 * Return the properties of a key.
	 * @param key the global value's key
	 * @return the property names and values that key gave
	 */
	Map<String, Object> propertiesOf(String key) {
		Map<String, Object> result = new LinkedHashMap<>();
		this.properties.forEach((name, owned) -> {
			if (owned.key().equals(key)) {
				result.put(name, owned.value());
			}
		});
		return result;
	}

	/**
	 * Install what a key gives now, replacing what it gave before.
	 * @param key the global value's key
	 * @param now its properties now, empty when it was deleted
	 * @param before its properties before
	 */
	void replace(String key, Map<String, Object> now, Map<String, Object> before) {
		now.forEach((name, value) -> this.properties.put(name, new Owned(key, value)));
		before.keySet().forEach((name) -> {
			if (!now.containsKey(name)) {
				// only what this key put: a property of another key keeps its value
				this.properties.computeIfPresent(name, (property, owned) -> owned.key().equals(key) ? null : owned);
			}
		});
		this.names = this.properties.keySet().toArray(new String[0]);
	}

	/**
	 * A property's value and the key that gave it.
	 * @param key the global value's key
	 * @param value the property's value
	 */
	record Owned(String key, Object value) {
	}

}
