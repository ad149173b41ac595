package io.globalval.core;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Futures waiting for a replica to reach a revision. Costs the applying thread one
 * volatile read per change while nobody waits.
 */
final class RevisionWaiters {

	private final ConcurrentSkipListMap<Long, CompletableFuture<Long>> waiting = new ConcurrentSkipListMap<>();

	private final AtomicLong ids = new AtomicLong();

	private volatile boolean any;

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
		// the key orders by revision; the low bits keep two waiters of one revision apart
		long key = (revision << 16) | (this.ids.incrementAndGet() & 0xFFFF);
		this.waiting.put(key, future);
		this.any = true;
		reached(replica.revision());
		return future;
	}

	/**
	 * Complete the futures of every revision up to and including this one.
	 * @param revision the revision now applied
	 */
	void reached(long revision) {
		if (!this.any) {
			return;
		}
		Iterator<Map.Entry<Long, CompletableFuture<Long>>> it = this.waiting.entrySet().iterator();
		while (it.hasNext()) {
			Map.Entry<Long, CompletableFuture<Long>> entry = it.next();
			if ((entry.getKey() >>> 16) > revision) {
				break;
			}
			it.remove();
			entry.getValue().complete(revision);
		}
		this.any = !this.waiting.isEmpty();
	}

}
