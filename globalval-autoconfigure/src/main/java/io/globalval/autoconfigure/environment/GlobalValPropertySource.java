package io.globalval.autoconfigure.environment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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

	/**
	 * The property names each key gave when it was last installed, so that a change
	 * looks at its own key's properties, not at all of them. A name another key took
	 * over since stays listed; {@link #propertiesOf} checks the owner. Written by the
	 * one thread that installs (under the caller's lock).
	 */
	private final Map<String, Set<String>> namesByKey = new ConcurrentHashMap<>();

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
		for (String name : this.namesByKey.getOrDefault(key, Set.of())) {
			Owned owned = this.properties.get(name);
			if (owned != null && owned.key().equals(key)) {
				result.put(name, owned.value());
			}
		}
		return result;
	}

	/**
	 * Return the keys whose properties are installed.
	 * @return the global values' keys
	 */
	Set<String> keys() {
		return Set.copyOf(this.namesByKey.keySet());
	}

	/**
	 * Install what a key gives now, replacing what it gave before.
	 * @param key the global value's key
	 * @param now its properties now, empty when it was deleted
	 * @param before its properties before
	 */
	void replace(String key, Map<String, Object> now, Map<String, Object> before) {
		boolean namesChanged = false;
		for (Map.Entry<String, Object> property : now.entrySet()) {
			namesChanged |= this.properties.put(property.getKey(), new Owned(key, property.getValue())) == null;
		}
		for (String name : before.keySet()) {
			if (!now.containsKey(name)) {
				// only what this key put: a property of another key keeps its value
				namesChanged |= this.properties.computeIfPresent(name,
						(property, owned) -> owned.key().equals(key) ? null : owned) == null;
			}
		}
		if (now.isEmpty()) {
			this.namesByKey.remove(key);
		}
		else {
			this.namesByKey.put(key, Set.copyOf(now.keySet()));
		}
		if (namesChanged) {
			// a new value for the same names (the usual change) keeps the array
			this.names = this.properties.keySet().toArray(new String[0]);
		}
	}

	/**
	 * A property's value and the key that gave it.
	 * @param key the global value's key
	 * @param value the property's value
	 */
	record Owned(String key, Object value) {
	}

}
