package io.globalval.autoconfigure.environment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a global value becomes properties: the key less the prefix names it, a JSON object
 * adds {@code .field}, an array {@code [index]}; {@code null} (and a deleted key) gives
 * none.
 */
final class PropertyNames {

	private final String keyPrefix;

	PropertyNames(String keyPrefix) {
		this.keyPrefix = (keyPrefix != null) ? keyPrefix : "";
	}

	/**
	 * Return whether a key is one that becomes properties.
	 * @param key the key
	 * @return whether it is under the prefix and names a property
	 */
	boolean covers(String key) {
		return key.startsWith(this.keyPrefix) && key.length() > this.keyPrefix.length();
	}

	/**
	 * Return the properties a key's value gives.
	 * @param key a key this covers
	 * @param value the value as plain JSON types, or {@code null}
	 * @return the property names and their scalar values, in order
	 */
	Map<String, Object> properties(String key, Object value) {
		Map<String, Object> properties = new LinkedHashMap<>();
		flatten(key.substring(this.keyPrefix.length()), value, properties);
		return properties;
	}

	private static void flatten(String name, Object value, Map<String, Object> properties) {
		if (value instanceof Map<?, ?> object) {
			object.forEach((field, fieldValue) -> flatten(name + "." + field, fieldValue, properties));
		}
		else if (value instanceof List<?> array) {
			for (int i = 0; i < array.size(); i++) {
				flatten(name + "[" + i + "]", array.get(i), properties);
			}
		}
		else if (value != null) {
			properties.put(name, value);
		}
	}

}
