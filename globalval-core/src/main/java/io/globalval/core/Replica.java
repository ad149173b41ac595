package io.globalval.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.globalval.GlobalValNotReadyException;
import tools.jackson.databind.JavaType;

/**
 * The local copy of an application's global values, as of one revision.
 *
 * <h2>Design</h2>
 * <ul>
 * <li><b>Ordering.</b> Exactly one thread applies changes (the sequencer in the master,
 * the connection's reader in a worker), one revision after the other: the caller applies
 * revision {@code revision() + 1} and nothing else, so every replica passes through the
 * same states. A worker that sees a gap stops applying and asks for a resync; a snapshot
 * replaces the whole map at once with {@link #replace}.</li>
 * <li><b>Reads.</b> {@link #get} is one volatile read of the map and one
 * {@link ConcurrentHashMap#get}: no lock, no allocation once the entry's value has been
 * decoded. Readers on any thread may see a revision that is a few changes old, never a
 * torn entry.</li>
 * <li><b>Hostile peers.</b> Values arrive as JSON bytes that the master has checked;
 * they are decoded lazily, on first read, so a change that nobody reads in this process
 * costs no decoding.</li>
 * </ul>
 */
public final class Replica {

	private final ValueCodec codec;

	private volatile ConcurrentHashMap<String, ReplicaEntry> entries = new ConcurrentHashMap<>();

	private volatile long revision;

	private volatile boolean ready;

	private final String notReadyMessage;

	/**
	 * Create an empty replica.
	 * @param codec the codec to decode values with
	 * @param name the application name, for messages
	 */
	public Replica(ValueCodec codec, String name) {
		this.codec = codec;
		this.notReadyMessage = "The global values of '" + name
				+ "' are not ready in this worker: it has not yet applied its first snapshot from the master. "
				+ "Wait for readiness (the application's startup does) before reading.";
	}

	/**
	 * Return the value of a key as plain JSON types.
	 * @param key the key
	 * @return the value, or {@code null} if absent
	 */
	public Object get(String key) {
		if (!this.ready) {
			throw new GlobalValNotReadyException(this.notReadyMessage);
		}
		ReplicaEntry entry = this.entries.get(key);
		return (entry != null) ? entry.value(this.codec) : null;
	}

	/**
	 * Return the value of a key converted to a type, cached per entry.
	 * @param <T> the type
	 * @param key the key
	 * @param type the type
	 * @return the value, or {@code null} if absent
	 */
	public <T> T get(String key, Class<T> type) {
		if (!this.ready) {
			throw new GlobalValNotReadyException(this.notReadyMessage);
		}
		ReplicaEntry entry = this.entries.get(key);
		return (entry != null) ? entry.value(this.codec, type) : null;
	}

	/**
	 * Return the value of a key converted to a generic type, cached per entry.
	 * @param <T> the type
	 * @param key the key
	 * @param type the type, constructed with the codec's mapper
	 * @return the value, or {@code null} if absent
	 */
	public <T> T get(String key, JavaType type) {
		if (!this.ready) {
			throw new GlobalValNotReadyException(this.notReadyMessage);
		}
		ReplicaEntry entry = this.entries.get(key);
		return (entry != null) ? entry.value(this.codec, type) : null;
	}

	/**
	 * Return the entry of a key, whatever the readiness.
	 * @param key the key
	 * @return the entry, or {@code null}
	 */
	public ReplicaEntry entry(String key) {
		return this.entries.get(key);
	}

	/**
	 * Return an immutable copy of the map as plain JSON types.
	 * @return the entries
	 */
	public Map<String, Object> toMap() {
		if (!this.ready) {
			throw new GlobalValNotReadyException(this.notReadyMessage);
		}
		Map<String, Object> copy = new LinkedHashMap<>();
		this.entries.forEach((key, entry) -> copy.put(key, entry.value(this.codec)));
		return Collections.unmodifiableMap(copy);
	}

	/**
	 * Return the live map of entries, for snapshots taken on the applying thread.
	 * @return the entries
	 */
	public Map<String, ReplicaEntry> rawEntries() {
		return this.entries;
	}

	/**
	 * Return the number of keys.
	 * @return the size
	 */
	public int size() {
		return this.entries.size();
	}

	/**
	 * Return the last applied revision.
	 * @return the revision
	 */
	public long revision() {
		return this.revision;
	}

	/**
	 * Return whether the replica is complete and may be read.
	 * @return whether ready
	 */
	public boolean isReady() {
		return this.ready;
	}

	/**
	 * Return the codec of this replica.
	 * @return the codec
	 */
	public ValueCodec codec() {
		return this.codec;
	}

	void markReady() {
		this.ready = true;
	}

	/**
	 * Apply one change. Applying thread only; the caller has checked the revision.
	 * @param key the key
	 * @param json the new value, or {@code null} to delete
	 * @param newRevision the change's revision, {@code revision() + 1}
	 * @return the entry the key had before, or {@code null}
	 */
	ReplicaEntry apply(String key, byte[] json, long newRevision) {
		return apply(key, (json != null) ? new ReplicaEntry(json, newRevision) : null, newRevision);
	}

	/**
	 * Apply one change whose entry the caller made (to hand it on without reading the map
	 * again). Applying thread only; the caller has checked the revision.
	 * @param key the key
	 * @param entry the new entry, or {@code null} to delete
	 * @param newRevision the change's revision, {@code revision() + 1}
	 * @return the entry the key had before, or {@code null}
	 */
	ReplicaEntry apply(String key, ReplicaEntry entry, long newRevision) {
		ReplicaEntry previous = (entry != null) ? this.entries.put(key, entry) : this.entries.remove(key);
		this.revision = newRevision;
		return previous;
	}

	/**
	 * Replace the whole map with a snapshot. Applying thread only.
	 * @param snapshot the new entries
	 * @param snapshotRevision the snapshot's revision
	 * @return the entries the replica had before
	 */
	Map<String, ReplicaEntry> replace(ConcurrentHashMap<String, ReplicaEntry> snapshot, long snapshotRevision) {
		Map<String, ReplicaEntry> previous = this.entries;
		this.entries = snapshot;
		this.revision = snapshotRevision;
		return previous;
	}

	static ReplicaEntry newEntry(byte[] json, long revision) {
		return new ReplicaEntry(json, revision);
	}

}
