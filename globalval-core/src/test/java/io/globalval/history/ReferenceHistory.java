package io.globalval.history;

import java.util.List;
import java.util.Map;

/**
 * The one history all nodes should agree on, merged from their logs: the change
 * at each revision, where each write landed, and each key's versions. Every
 * lookup is a hash lookup or a binary search. Not thread-safe.
 */
final class ReferenceHistory {

	private final ChangeTable changes;

	private final Map<WriteId, Long> writeRevisions;

	private final Map<WriteId, List<Long>> duplicateWrites;

	private final Map<String, KeyVersions> versions;

	private final KnownRevisions known;

	private final long highestRevision;

	private final boolean noLogs;

	private final List<Anomaly> logAnomalies;

	private final List<Anomaly> finalStateAnomalies;

	ReferenceHistory(ChangeTable changes, Map<WriteId, Long> writeRevisions,
			Map<WriteId, List<Long>> duplicateWrites, Map<String, KeyVersions> versions, KnownRevisions known,
			long highestRevision, boolean noLogs, List<Anomaly> logAnomalies, List<Anomaly> finalStateAnomalies) {
		this.changes = changes;
		this.writeRevisions = writeRevisions;
		this.duplicateWrites = duplicateWrites;
		this.versions = versions;
		this.known = known;
		this.highestRevision = highestRevision;
		this.noLogs = noLogs;
		this.logAnomalies = List.copyOf(logAnomalies);
		this.finalStateAnomalies = List.copyOf(finalStateAnomalies);
	}

	/**
	 * Merge and replay node logs.
	 * @param logs the logs; the first to have a revision provides its reference
	 * change
	 * @return the reference history
	 */
	static ReferenceHistory of(List<NodeLog> logs) {
		long entries = 0;
		for (NodeLog log : logs) {
			entries += log.entries().size() + 1;
		}
		LogMerger merger = new LogMerger(entries);
		logs.forEach(merger::add);
		return new StateReplay(merger).run();
	}

	/**
	 * Return the change at a revision.
	 * @param revision the revision
	 * @return the change, or null if no log has it
	 */
	Change changeAt(long revision) {
		SourcedChange sourced = this.changes.get(revision);
		return (sourced != null) ? sourced.change() : null;
	}

	/**
	 * Return the (lowest) revision a write landed at.
	 * @param writeId the write
	 * @return the revision, or 0 if the write is not in the history
	 */
	long revisionOf(WriteId writeId) {
		Long revision = this.writeRevisions.get(writeId);
		return (revision != null) ? revision : 0;
	}

	Map<WriteId, List<Long>> duplicateWrites() {
		return this.duplicateWrites;
	}

	/**
	 * Return the versions of a key.
	 * @param key the key
	 * @return the versions, or null if the key never appears
	 */
	KeyVersions versions(String key) {
		return this.versions.get(key);
	}

	/**
	 * Return the value of a key at a revision; meaningful where {@link #isKnown}.
	 * @param key the key
	 * @param revision the revision
	 * @return the value, or null for absent
	 */
	String valueAt(String key, long revision) {
		KeyVersions keyVersions = this.versions.get(key);
		return (keyVersions != null) ? keyVersions.valueAt(revision) : null;
	}

	/**
	 * Return whether a key held a value within a revision window.
	 * @param key the key
	 * @param value the value, or null for absent
	 * @param from the first revision of the window
	 * @param to the last revision of the window
	 * @return the visibility
	 */
	Visibility visibility(String key, String value, long from, long to) {
		KeyVersions keyVersions = this.versions.get(key);
		if (keyVersions == null) {
			return (value == null) ? Visibility.VISIBLE : Visibility.NEVER;
		}
		return keyVersions.visibility(value, from, to);
	}

	/**
	 * Return whether the whole map is known at every revision of a range.
	 * @param from the first revision
	 * @param to the last revision
	 * @return whether the range is known
	 */
	boolean isKnown(long from, long to) {
		return this.known.covers(from, to);
	}

	/**
	 * Return the highest revision any log or final state mentions.
	 * @return the highest revision
	 */
	long highestRevision() {
		return this.highestRevision;
	}

	/**
	 * Return whether together the logs have every revision from 1 to the highest.
	 * @return whether the history has no gap
	 */
	boolean hasEveryChange() {
		return this.changes.size() == this.highestRevision;
	}

	/**
	 * Return whether any node log was given; without one nothing can be missing.
	 * @return whether there are logs
	 */
	boolean hasLogs() {
		return !this.noLogs;
	}

	List<Anomaly> logAnomalies() {
		return this.logAnomalies;
	}

	List<Anomaly> finalStateAnomalies() {
		return this.finalStateAnomalies;
	}

}
