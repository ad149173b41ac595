package io.globalval.benchmarks.harness;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The probes of the workloads, kept in a worker between the commands that arm them and
 * the commands that read them. Each is thread-safe: Hazelcast fires listeners on several
 * event threads.
 */
final class Recorders {

	private Recorders() {
	}

	/**
	 * Workload L: for each sequence number of one key, the time from its set to its
	 * arrival here.
	 */
	static final class Latency implements Probe {

		final String key;

		final long[] latencyNanos;

		final CountDownLatch complete = new CountDownLatch(1);

		private int seen;

		private long lastArrival;

		private final long[] appliedNanos;

		private int applied;

		Latency(String key, int sets) {
			this.key = key;
			this.latencyNanos = new long[sets];
			Arrays.fill(this.latencyNanos, -1);
			this.appliedNanos = new long[sets];
		}

		/** A change was applied in the replica, {@code nanos} after its origin wrote it. */
		synchronized void applied(long nanos) {
			if (this.applied < this.appliedNanos.length) {
				this.appliedNanos[this.applied++] = nanos;
			}
		}

		@Override
		public synchronized void arrived(String key, long w, long s, long t, long now) {
			if (!this.key.equals(key) || s < 0 || s >= this.latencyNanos.length || this.latencyNanos[(int) s] >= 0) {
				return;
			}
			this.latencyNanos[(int) s] = now - t;
			this.lastArrival = now;
			if (++this.seen == this.latencyNanos.length) {
				this.complete.countDown();
			}
		}

		synchronized Map<String, Object> result() {
			Map<String, Object> result = new HashMap<>();
			result.put("lat", this.latencyNanos.clone());
			result.put("seen", this.seen);
			result.put("lastArrival", this.lastArrival);
			result.put("applied", Arrays.copyOf(this.appliedNanos, this.applied));
			return result;
		}

	}

	/**
	 * Workload T: how many of each writer's updates arrived here, and when the last of
	 * them did.
	 */
	static final class Throughput implements Probe {

		private final Map<Long, long[]> ranges = new HashMap<>();

		private final Map<Long, Integer> counts = new HashMap<>();

		private final Map<Long, BitSet> arrived = new HashMap<>();

		final CountDownLatch complete = new CountDownLatch(1);

		private int writersLeft;

		private long completedAt;

		/**
		 * @param ranges per writer: {lo, hi} of its sequence numbers
		 */
		Throughput(Map<Long, long[]> ranges) {
			this.ranges.putAll(ranges);
			ranges.keySet().forEach((w) -> this.counts.put(w, 0));
			this.writersLeft = ranges.size();
		}

		@Override
		public synchronized void arrived(String key, long w, long s, long t, long now) {
			long[] range = this.ranges.get(w);
			if (range == null || s < range[0] || s >= range[1] || key.charAt(0) != 'k') {
				return;
			}
			// a system may tell of one update twice (Redisson's update listener does): count it once
			if (!this.arrived.computeIfAbsent(w, (writer) -> new BitSet()).get((int) (s - range[0]))) {
				this.arrived.get(w).set((int) (s - range[0]));
			}
			else {
				return;
			}
			int count = this.counts.merge(w, 1, Integer::sum);
			if (count == range[1] - range[0] && --this.writersLeft == 0) {
				this.completedAt = now;
				this.complete.countDown();
			}
		}

		synchronized Map<String, Object> result() {
			Map<String, Object> result = new HashMap<>();
			result.put("done", this.writersLeft == 0);
			result.put("tDone", this.completedAt);
			int total = 0;
			for (int c : this.counts.values()) {
				total += c;
			}
			result.put("seen", total);
			return result;
		}

	}

}
