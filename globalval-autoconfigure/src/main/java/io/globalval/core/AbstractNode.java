package io.globalval.core;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import io.globalval.Role;

/**
 * What the master and the worker share: the replica, the listeners, the waiters for
 * revisions, and the one method through which changes enter the replica.
 */
abstract class AbstractNode implements GlobalValNode {

	protected final NodeSettings settings;

	protected final ValueCodec codec;

	protected final Replica replica;

	protected final NodeMetrics metrics = new NodeMetrics();

	protected final AtomicLong sequence = new AtomicLong();

	private final EventDispatcher events;

	private final RevisionWaiters waiters = new RevisionWaiters();

	protected AbstractNode(NodeSettings settings, ValueCodec codec) {
		this.settings = settings;
		this.codec = codec;
		this.replica = new Replica(codec, settings.name());
		this.events = new EventDispatcher(settings.name());
	}

	@Override
	public NodeSettings settings() {
		return this.settings;
	}

	@Override
	public Replica replica() {
		return this.replica;
	}

	@Override
	public NodeMetrics metrics() {
		return this.metrics;
	}

	@Override
	public CompletableFuture<Long> awaitRevision(long revision) {
		return this.waiters.await(this.replica, revision);
	}

	@Override
	public void addListener(ChangeListener listener) {
		this.events.addListener(listener);
	}

	@Override
	public void removeListener(ChangeListener listener) {
		this.events.removeListener(listener);
	}

	/**
	 * Apply one change to the replica and tell listeners and waiters. Applying thread only.
	 */
	protected final void applyChange(String key, byte[] json, long revision, int origin, long originNanos) {
		ReplicaEntry previous = this.replica.apply(key, json, revision);
		this.metrics.changesApplied.increment();
		if (originNanos != 0) {
			this.metrics.propagated(System.nanoTime() - originNanos);
		}
		if (this.events.hasListeners()) {
			ChangeEvent event = new ChangeEvent(key, this.replica.entry(key), previous, revision, origin, originNanos,
					origin == nodeId(), this.codec);
			this.events.dispatch((listener) -> listener.onChange(event));
		}
		this.waiters.reached(revision);
	}

	/**
	 * Replace the replica with a snapshot and tell listeners what changed. Applying
	 * thread only.
	 * @param snapshot the new entries
	 * @param revision the snapshot's revision
	 * @param reportChanges whether to report each changed key (not for a first snapshot)
	 */
	protected final void applySnapshot(java.util.concurrent.ConcurrentHashMap<String, ReplicaEntry> snapshot,
			long revision, boolean reportChanges) {
		Map<String, ReplicaEntry> previous = this.replica.replace(snapshot, revision);
		this.replica.markReady();
		this.metrics.snapshotsApplied.increment();
		if (this.events.hasListeners()) {
			if (reportChanges) {
				reportDifferences(previous, snapshot, revision);
			}
			int keys = snapshot.size();
			this.events.dispatch((listener) -> listener.onSnapshot(revision, keys));
		}
		this.waiters.reached(revision);
	}

	private void reportDifferences(Map<String, ReplicaEntry> before, Map<String, ReplicaEntry> after, long revision) {
		after.forEach((key, entry) -> {
			ReplicaEntry old = before.get(key);
			if (old == null || !java.util.Arrays.equals(old.json(), entry.json())) {
				ChangeEvent event = new ChangeEvent(key, entry, old, revision, -1, 0, false, this.codec);
				this.events.dispatch((listener) -> listener.onChange(event));
			}
		});
		before.forEach((key, old) -> {
			if (!after.containsKey(key)) {
				ChangeEvent event = new ChangeEvent(key, null, old, revision, -1, 0, false, this.codec);
				this.events.dispatch((listener) -> listener.onChange(event));
			}
		});
	}

	protected final void roleDecided(Role role) {
		this.events.dispatch((listener) -> listener.onRole(role));
	}

	protected final void closeEvents() {
		this.events.close();
	}

}
