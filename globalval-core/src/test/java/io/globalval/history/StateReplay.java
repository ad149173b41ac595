package io.globalval.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Replays the merged changes once, in revision order. On the way it checks every
 * snapshot and final map against the replayed map, and records each key's
 * versions, the revisions at which the whole map is known, and where each write
 * landed.
 * <p>
 * Where no log has some revision (a gap, e.g. every node started from a later
 * snapshot) the map is only partly known: a key is known when its last change
 * came after the last gap. Snapshots and final maps are then compared on the
 * known keys only, and a snapshot fills in the unknown ones. Cost is linear in
 * the changes plus the size of the maps compared. Not thread-safe.
 */
final class StateReplay {

	private static final int MAX_LISTED_DIFFERENCES = 3;

	private final LogMerger merged;

	private final Map<String, Slot> map = new HashMap<>();

	private final Map<String, KeyVersions> versions = new HashMap<>();

	private final Map<WriteId, Long> writeRevisions = new HashMap<>();

	private final Map<WriteId, List<Long>> duplicateWrites = new LinkedHashMap<>();

	private final KnownRevisions known = new KnownRevisions();

	private final List<Anomaly> logAnomalies;

	private final List<Anomaly> finalStateAnomalies;

	private boolean complete = true;

	private long lastGap = -1;

	StateReplay(LogMerger merged) {
		this.merged = merged;
		this.logAnomalies = new ArrayList<>(merged.logAnomalies());
		this.finalStateAnomalies = new ArrayList<>(merged.finalStateAnomalies());
	}

	/**
	 * Run the replay.
	 * @return the reference history
	 */
	ReferenceHistory run() {
		long previous = 0;
		this.known.known(0);
		for (long revision : eventRevisions()) {
			if (revision > 0) {
				if (revision > previous + 1) {
					gap(revision - 1);
				}
				SourcedChange sourced = this.merged.changes().get(revision);
				if (sourced != null) {
					apply(sourced.change());
				}
				else {
					gap(revision);
				}
			}
			checkStates(revision);
			if (this.complete) {
				this.known.known(revision);
			}
			previous = revision;
		}
		return new ReferenceHistory(this.merged.changes(), this.writeRevisions, this.duplicateWrites, this.versions,
				this.known, previous, this.merged.isEmpty(), this.logAnomalies, this.finalStateAnomalies);
	}

	private long[] eventRevisions() {
		long[] changed = this.merged.changes().revisions();
		long[] revisions = Arrays.copyOf(changed, changed.length + this.merged.states().size());
		int size = changed.length;
		for (Long revision : this.merged.states().keySet()) {
			revisions[size++] = revision;
		}
		Arrays.sort(revisions);
		int distinct = 0;
		for (long revision : revisions) {
			if (distinct == 0 || revisions[distinct - 1] != revision) {
				revisions[distinct++] = revision;
			}
		}
		return Arrays.copyOf(revisions, distinct);
	}

	private void gap(long revision) {
		this.complete = false;
		this.lastGap = revision;
		this.known.unknown();
	}

	private void apply(Change change) {
		long revision = change.revision();
		this.map.put(change.key(), new Slot(change.value(), revision));
		versions(change.key()).add(revision, change.value(), change.writeId());
		WriteId writeId = change.writeId();
		if (writeId != null) {
			Long first = this.writeRevisions.putIfAbsent(writeId, revision);
			if (first != null) {
				this.duplicateWrites.computeIfAbsent(writeId, (id) -> new ArrayList<>(List.of(first))).add(revision);
			}
		}
	}

	private void checkStates(long revision) {
		List<NodeState> states = this.merged.states().get(revision);
		if (states == null) {
			return;
		}
		// Snapshots first: one may fill a gap that the other states are then checked
		// against in full.
		for (NodeState state : states) {
			if (!state.isFinal()) {
				compare(state, AnomalyKind.LOG_DIVERGENCE, this.logAnomalies);
				adopt(state);
			}
		}
		for (NodeState state : states) {
			if (state.isFinal()) {
				compare(state, AnomalyKind.FINAL_STATE, this.finalStateAnomalies);
			}
		}
	}

	private void compare(NodeState state, AnomalyKind kind, List<Anomaly> anomalies) {
		List<String> differences = new ArrayList<>();
		int count = 0;
		for (Map.Entry<String, Slot> entry : this.map.entrySet()) {
			Slot slot = entry.getValue();
			String actual = state.map().get(entry.getKey());
			if (isKnown(slot) && !Objects.equals(slot.value(), actual)) {
				count = listDifference(differences, count, entry.getKey(), actual, slot.value());
			}
		}
		if (this.complete) {
			for (Map.Entry<String, String> entry : state.map().entrySet()) {
				if (!this.map.containsKey(entry.getKey())) {
					count = listDifference(differences, count, entry.getKey(), entry.getValue(), null);
				}
			}
		}
		if (count > 0) {
			String more = (count > differences.size()) ? "; and " + (count - differences.size()) + " more keys" : "";
			anomalies.add(new Anomaly(kind,
					state.describe() + " differs from the replayed history: " + String.join("; ", differences) + more));
		}
	}

	private int listDifference(List<String> differences, int count, String key, String actual, String expected) {
		if (differences.size() < MAX_LISTED_DIFFERENCES) {
			differences.add("'" + key + "' is " + Text.value(actual) + " there but " + Text.value(expected) + " in the history");
		}
		return count + 1;
	}

	private void adopt(NodeState snapshot) {
		long revision = snapshot.revision();
		for (Map.Entry<String, String> entry : snapshot.map().entrySet()) {
			Slot slot = this.map.get(entry.getKey());
			if (slot == null || !isKnown(slot)) {
				if (slot == null || !Objects.equals(slot.value(), entry.getValue())) {
					versions(entry.getKey()).add(revision, entry.getValue(), null);
				}
				this.map.put(entry.getKey(), new Slot(entry.getValue(), revision));
			}
		}
		if (!this.complete) {
			for (Map.Entry<String, Slot> entry : this.map.entrySet()) {
				Slot slot = entry.getValue();
				if (!isKnown(slot) && slot.value() != null && !snapshot.map().containsKey(entry.getKey())) {
					entry.setValue(new Slot(null, revision));
					versions(entry.getKey()).add(revision, null, null);
				}
			}
		}
		this.complete = true;
	}

	private boolean isKnown(Slot slot) {
		return this.complete || slot.revision() > this.lastGap;
	}

	private KeyVersions versions(String key) {
		return this.versions.computeIfAbsent(key, (k) -> new KeyVersions());
	}

	/**
	 * A key's replayed value and the revision it was last set at.
	 */
	private record Slot(String value, long revision) {
	}

}
