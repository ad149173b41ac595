package io.globalval.core;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Futures waiting for a replica to reach a revision. Costs the applying thread one
 * read of the head of an empty skip list per change while nobody waits.
 * <p>
 * No wake-up is lost: a waiter is added before it reads the replica's revision again,
 * and the applier raises the revision before it looks for waiters, so at least one of
 * them sees the other. Every waiter has a key of its own (its revision and a unique
 * number), so two waiters of one revision never replace each other.
 */
final class RevisionWaiters {

	private final ConcurrentSkipListMap<Key, CompletableFuture<Long>> waiting = new ConcurrentSkipListMap<>();

	private final AtomicLong ids = new AtomicLong();

	/**
	 * Return a future for a revision.
	 * @param replica the replica
	 * @param revision the awaited revision
	 * @return the future
	 */
	CompletableFuture<Long> await(Replica replica, long revision) {
		long current = replica.revision();
		if (current >= revision) {
			return CompletableFuture.completedFuture(current);
		}
		CompletableFuture<Long> future = new CompletableFuture<>();
		this.waiting.put(new Key(revision, this.ids.incrementAndGet()), future);
		// the applier may have reached the revision and looked for waiters before the put
		reached(replica.revision());
		return future;
	}

	/**
	 * Complete the futures of every revision up to and including this one.
	 * @param revision the revision now applied
	 */
	void reached(long revision) {
		if (this.waiting.isEmpty()) {
			return;
		}
		Iterator<java.util.Map.Entry<Key, CompletableFuture<Long>>> it = this.waiting.entrySet().iterator();
		while (it.hasNext()) {
			java.util.Map.Entry<Key, CompletableFuture<Long>> entry = it.next();
			if (entry.getKey().revision() > revision) {
				break;
			}
			it.remove();
			entry.getValue().complete(revision);
		}
	}

	/** Orders waiters by revision, then by arrival. */
	private record Key(long revision, long id) implements Comparable<Key> {

		@Override
		public int compareTo(Key other) {
			int byRevision = Long.compare(this.revision, other.revision);
			return (byRevision != 0) ? byRevision : Long.compare(this.id, other.id);
		}

	}

}
