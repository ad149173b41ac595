package io.globalval.core;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * An {@link EngineRuntime} for a node that is alone in its process and shares nothing with
 * other processes: the system's clock, timers and threads, but a master lock held in
 * memory and no directory. Only {@link #disk(Path) persistence}, when it is configured,
 * writes files.
 * <p>
 * Each instance has a lock of its own, so every node started on one is master of a group
 * of one: nothing another node (in this process or another) does can take it.
 */
final class InProcessRuntime implements EngineRuntime {

	private final EngineRuntime system;

	private boolean locked;

	private long epoch;

	InProcessRuntime(EngineRuntime system) {
		this.system = system;
	}

	@Override
	public long nanoTime() {
		return this.system.nanoTime();
	}

	@Override
	public long newNodeId() {
		return this.system.newNodeId();
	}

	@Override
	public long pid() {
		return this.system.pid();
	}

	@Override
	public boolean isAlive(long pid) {
		return this.system.isAlive(pid);
	}

	@Override
	public Cancellable schedule(String name, Duration delay, Duration period, Runnable task) {
		return this.system.schedule(name, delay, period, task);
	}

	@Override
	public <C> CommandRunner<C> runner(String name, CommandHandler<C> handler) {
		return this.system.runner(name, handler);
	}

	@Override
	public <C> CommandRunner<C> unboundedRunner(String name, CommandHandler<C> handler) {
		return this.system.unboundedRunner(name, handler);
	}

	/**
	 * Do nothing: a node of this runtime has no lock file or socket to keep.
	 * @param directory the directory, left alone
	 */
	@Override
	public void prepareDirectory(Path directory) {
	}

	@Override
	public synchronized GroupLock tryLock(NodeSettings settings) {
		if (this.locked) {
			return null;
		}
		this.locked = true;
		return new MemoryLock();
	}

	@Override
	public Disk disk(Path directory) throws IOException {
		return this.system.disk(directory);
	}

	/** The lock of this runtime: its epoch lives in memory, it records no members. */
	private final class MemoryLock implements GroupLock {

		private boolean held = true;

		@Override
		public long readEpoch() {
			synchronized (InProcessRuntime.this) {
				return InProcessRuntime.this.epoch;
			}
		}

		@Override
		public void writeEpoch(long epoch) {
			synchronized (InProcessRuntime.this) {
				InProcessRuntime.this.epoch = epoch;
			}
		}

		@Override
		public Set<Long> readMembers() {
			return Set.of();
		}

		@Override
		public void writeMembers(Set<Long> pids) {
			// no other process can join, so there is no one to tell
		}

		@Override
		public void close() {
			synchronized (InProcessRuntime.this) {
				if (this.held) {
					this.held = false;
					InProcessRuntime.this.locked = false;
				}
			}
		}

	}

}
