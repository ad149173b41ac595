package io.globalval.history;

import java.util.Map;

/**
 * A full map a node loaded instead of applying changes one by one.
 *
 * @param revision the revision of the map
 * @param map every key present at that revision and its value (JSON text)
 */
public record Snapshot(long revision, Map<String, String> map) implements LogEntry {

	/**
	 * Create a snapshot, copying the map.
	 * @param revision the revision of the map, from 0
	 * @param map the keys and values
	 */
	public Snapshot {
		if (revision < 0) {
			throw new IllegalArgumentException("Snapshot revision must not be negative, got " + revision);
		}
		map = Map.copyOf(map);
	}

}
