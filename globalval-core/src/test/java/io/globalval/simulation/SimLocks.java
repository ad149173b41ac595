package io.globalval.simulation;

import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;

import io.globalval.core.GroupLock;

/**
 * The group's master lock file: held by at most one incarnation, released when it closes
 * the lock or dies (as the operating system releases a file lock), and the epoch and
 * members written into it survive every holder.
 */
final class SimLocks {

	private Incarnation holder;

	private long epoch;

	private Set<Long> members = Set.of();

	GroupLock tryLock(Incarnation incarnation) {
		if (this.holder != null && this.holder.alive) {
			return null;
		}
		this.holder = incarnation;
		return new Held(incarnation);
	}

	Incarnation holder() {
		return (this.holder != null && this.holder.alive) ? this.holder : null;
	}

	private final class Held implements GroupLock {

		private final Incarnation owner;

		Held(Incarnation owner) {
			this.owner = owner;
		}

		@Override
		public long readEpoch() throws IOException {
			return SimLocks.this.epoch;
		}

		@Override
		public void writeEpoch(long epoch) throws IOException {
			if (SimLocks.this.holder != this.owner) {
				throw new IOException("lock not held by " + this.owner);
			}
			SimLocks.this.epoch = epoch;
		}

		@Override
		public Set<Long> readMembers() {
			return SimLocks.this.members;
		}

		@Override
		public void writeMembers(Set<Long> pids) throws IOException {
			if (SimLocks.this.holder != this.owner) {
				throw new IOException("lock not held by " + this.owner);
			}
			SimLocks.this.members = new TreeSet<>(pids);
		}

		@Override
		public void close() {
			if (SimLocks.this.holder == this.owner) {
				SimLocks.this.holder = null;
			}
		}

	}

}
