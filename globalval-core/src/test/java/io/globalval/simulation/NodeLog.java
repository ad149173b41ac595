package io.globalval.simulation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one incarnation applied, in order: changes and snapshots, with the map's
 * fingerprint kept up to date (an order-independent hash of every entry), so that
 * "same revision, same map" is checked on every step in constant time.
 */
final class NodeLog {

	final String name;

	final List<Item> items = new ArrayList<>();

	private final Map<String, String> map = new LinkedHashMap<>();

	long revision;

	long fingerprint;

	boolean started;

	/**
	 * The first revision this (dead) incarnation applied that no live process had once it
	 * died (forgotten by the group, which sequences it again).
	 */
	long forgottenFrom = Long.MAX_VALUE;

	/**
	 * The first revision at which this dead incarnation's log holds another change than
	 * the group kept: from there on its log is a tail the group never had (a master's last
	 * changes), left out of the history.
	 */
	long lostFrom = Long.MAX_VALUE;

	NodeLog(String name) {
		this.name = name;
	}

	void change(long revision, String key, String value, long origin, long seq) {
		this.items.add(new Change(revision, key, value, origin, seq));
		String old = (value != null) ? this.map.put(key, value) : this.map.remove(key);
		if (old != null) {
			this.fingerprint -= entryHash(key, old);
		}
		if (value != null) {
			this.fingerprint += entryHash(key, value);
		}
		this.revision = revision;
		this.started = true;
	}

	void snapshot(long revision, Map<String, String> entries) {
		this.items.add(new Snapshot(revision, Map.copyOf(entries)));
		this.map.clear();
		this.map.putAll(entries);
		this.fingerprint = 0;
		entries.forEach((key, value) -> this.fingerprint += entryHash(key, value));
		this.revision = revision;
		this.started = true;
	}

	Map<String, String> map() {
		return this.map;
	}

	/**
	 * Return this log as the history checker reads it.
	 * @param withFinalState whether the incarnation is alive at the end, so that its map is final
	 * @return the log
	 */
	io.globalval.history.NodeLog toHistory(boolean withFinalState) {
		io.globalval.history.NodeLog.Builder log = io.globalval.history.NodeLog.builder(this.name);
		for (Item item : this.items) {
			if (item.revision() >= this.lostFrom) {
				break;
			}
			if (item instanceof Change change) {
				io.globalval.history.WriteId id = (change.origin() > 0)
						? io.globalval.history.WriteId.of(change.origin(), change.seq()) : null;
				log.set(change.revision(), change.key(), change.value(), id);
			}
			else if (item instanceof Snapshot snapshot) {
				log.snapshot(snapshot.revision(), snapshot.entries());
			}
		}
		if (withFinalState) {
			log.finalState(Map.copyOf(this.map), this.revision);
		}
		return log.build();
	}

	static long entryHash(String key, String value) {
		long hash = key.hashCode() * 0x9E3779B97F4A7C15L + value.hashCode();
		hash ^= hash >>> 31;
		return hash * 0xBF58476D1CE4E5B9L;
	}

	/** One thing a node applied. */
	sealed interface Item permits Change, Snapshot {

		long revision();

	}

	/** A change: {@code value} is {@code null} for a delete. */
	record Change(long revision, String key, String value, long origin, long seq) implements Item {
	}

	/** A snapshot that replaced the map. */
	record Snapshot(long revision, Map<String, String> entries) implements Item {
	}

}
