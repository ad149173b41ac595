package io.globalval.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one node applied, in apply order, and optionally its final state. A log
 * may start with a snapshot instead of changes 1..R, and may contain further
 * snapshots where the node reloaded one.
 *
 * @param nodeId the node
 * @param entries the changes and snapshots in apply order
 * @param finalMap the node's map at the end of the test, or null if not recorded
 * @param finalRevision the node's revision at the end of the test (ignored without
 * a final map)
 */
public record NodeLog(String nodeId, List<LogEntry> entries, Map<String, String> finalMap, long finalRevision) {

	/**
	 * Create a node log, copying the entries and the map.
	 * @param nodeId the node
	 * @param entries the entries in apply order
	 * @param finalMap the final map, or null
	 * @param finalRevision the final revision
	 */
	public NodeLog {
		Objects.requireNonNull(nodeId, "'nodeId' must not be null");
		entries = List.copyOf(entries);
		finalMap = (finalMap != null) ? Map.copyOf(finalMap) : null;
		if (finalRevision < 0) {
			throw new IllegalArgumentException("Final revision of " + nodeId + " must not be negative, got " + finalRevision);
		}
	}

	/**
	 * Start building the log of a node.
	 * @param nodeId the node
	 * @return a builder
	 */
	public static Builder builder(String nodeId) {
		return new Builder(nodeId);
	}

	/**
	 * Return whether the node's final state was recorded.
	 * @return whether {@link #finalMap()} is set
	 */
	public boolean hasFinalState() {
		return this.finalMap != null;
	}

	/**
	 * Builds a {@link NodeLog} entry by entry. Not thread-safe.
	 */
	public static final class Builder {

		private final String nodeId;

		private final List<LogEntry> entries = new ArrayList<>();

		private Map<String, String> finalMap;

		private long finalRevision;

		private Builder(String nodeId) {
			this.nodeId = Objects.requireNonNull(nodeId, "'nodeId' must not be null");
		}

		/**
		 * Append a snapshot the node loaded.
		 * @param revision the revision of the snapshot
		 * @param map the keys and values
		 * @return this builder
		 */
		public Builder snapshot(long revision, Map<String, String> map) {
			return entry(new Snapshot(revision, map));
		}

		/**
		 * Append a change that set a key.
		 * @param revision the revision
		 * @param key the key
		 * @param value the value
		 * @param writeId the write id, or null
		 * @return this builder
		 */
		public Builder set(long revision, String key, String value, WriteId writeId) {
			return entry(new Change(revision, key, value, writeId));
		}

		/**
		 * Append a change that deleted a key.
		 * @param revision the revision
		 * @param key the key
		 * @param writeId the write id, or null
		 * @return this builder
		 */
		public Builder delete(long revision, String key, WriteId writeId) {
			return entry(new Change(revision, key, null, writeId));
		}

		/**
		 * Append a change or snapshot.
		 * @param entry the entry
		 * @return this builder
		 */
		public Builder entry(LogEntry entry) {
			this.entries.add(Objects.requireNonNull(entry, "'entry' must not be null"));
			return this;
		}

		/**
		 * Set the node's final state.
		 * @param map the final map
		 * @param revision the final revision
		 * @return this builder
		 */
		public Builder finalState(Map<String, String> map, long revision) {
			this.finalMap = Objects.requireNonNull(map, "'map' must not be null");
			this.finalRevision = revision;
			return this;
		}

		/**
		 * Build the log.
		 * @return the log
		 */
		public NodeLog build() {
			return new NodeLog(this.nodeId, this.entries, this.finalMap, this.finalRevision);
		}

	}

}
