package io.globalval.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * An {@link EngineRuntime} that a test drives by hand, for unit tests of the engine
 * without sockets or threads: the clock moves only on {@link #advance(Duration)} (which
 * fires the timers that fall due, in time order), runners queue their commands until
 * {@link #runAll()} (one batch, then {@code endBatch}, as in production), node ids and
 * the pid are fixed, the lock lives in memory, and the disk is either a real directory
 * or a {@link MemoryDisk}.
 */
final class ManualRuntime implements EngineRuntime {

	static final long PID = 4242;

	/** Never 0, since the engine reads an origin time of 0 as "unknown". */
	private long now = Duration.ofSeconds(1).toNanos();

	private final ArrayDeque<Integer> nodeIds = new ArrayDeque<>();

	private int nextNodeId = 1001;

	private long timerCount;

	private final PriorityQueue<ManualTimer> timers = new PriorityQueue<>(
			Comparator.comparingLong((ManualTimer timer) -> timer.dueNanos).thenComparingLong((timer) -> timer.order));

	private final List<ManualRunner<?>> runners = new ArrayList<>();

	private final ManualLock lock = new ManualLock();

	private Disk disk = new MemoryDisk();

	/**
	 * Create a runtime whose {@link #newNodeId()} returns the given ids first, then 1001,
	 * 1002 and so on.
	 * @param nodeIds the first node ids
	 */
	ManualRuntime(int... nodeIds) {
		Arrays.stream(nodeIds).forEach(this.nodeIds::add);
	}

	/**
	 * Use this disk for every directory from now on.
	 * @param disk the disk, such as {@code EngineRuntime.system().disk(tempDir)}
	 * @return this runtime
	 */
	ManualRuntime useDisk(Disk disk) {
		this.disk = disk;
		return this;
	}

	ManualLock lock() {
		return this.lock;
	}

	/**
	 * Move the clock on, firing every timer that falls due on the way, in time order (a
	 * timer sees the clock at its due time).
	 * @param duration how far
	 */
	void advance(Duration duration) {
		long target = this.now + duration.toNanos();
		ManualTimer timer;
		while ((timer = this.timers.peek()) != null && timer.dueNanos - target <= 0) {
			this.timers.poll();
			this.now = timer.dueNanos;
			timer.fire();
		}
		this.now = target;
	}

	/**
	 * Process every queued command of every runner, batch by batch, until none is left
	 * (a command may queue others). Exceptions propagate, so that a test sees them.
	 */
	void runAll() {
		boolean busy = true;
		while (busy) {
			busy = false;
			for (ManualRunner<?> runner : List.copyOf(this.runners)) {
				busy |= runner.runBatch();
			}
		}
	}

	/**
	 * Return how many commands wait in the runners.
	 * @return the count
	 */
	int queued() {
		return this.runners.stream().mapToInt((runner) -> runner.queue.size()).sum();
	}

	@Override
	public long nanoTime() {
		return this.now;
	}

	@Override
	public long newNodeId() {
		return this.nodeIds.isEmpty() ? this.nextNodeId++ : this.nodeIds.poll();
	}

	/** Process ids besides this one's that {@link #isAlive} reports alive; tests add and remove them. */
	final java.util.Set<Long> alive = new java.util.HashSet<>();

	@Override
	public boolean isAlive(long pid) {
		return pid == pid() || this.alive.contains(pid);
	}

	@Override
	public long pid() {
		return PID;
	}

	@Override
	public Cancellable schedule(String name, Duration delay, Duration period, Runnable task) {
		ManualTimer timer = new ManualTimer(period, task, this.timerCount++);
		timer.dueNanos = this.now + delay.toNanos();
		this.timers.add(timer);
		return () -> {
			timer.cancelled = true;
			this.timers.remove(timer);
		};
	}

	@Override
	public <C> CommandRunner<C> runner(String name, CommandHandler<C> handler) {
		ManualRunner<C> runner = new ManualRunner<>(handler);
		this.runners.add(runner);
		return runner;
	}

	@Override
	public void prepareDirectory(Path directory) {
	}

	@Override
	public GroupLock tryLock(NodeSettings settings) {
		return this.lock.tryTake() ? this.lock : null;
	}

	@Override
	public Disk disk(Path directory) {
		return this.disk;
	}

	private final class ManualTimer {

		private final Duration period;

		private final Runnable task;

		private final long order;

		long dueNanos;

		boolean cancelled;

		ManualTimer(Duration period, Runnable task, long order) {
			this.period = period;
			this.task = task;
			this.order = order;
		}

		void fire() {
			this.task.run();
			if (this.period != null && !this.cancelled) {
				this.dueNanos += this.period.toNanos();
				ManualRuntime.this.timers.add(this);
			}
		}

	}

	private static final class ManualRunner<C> implements CommandRunner<C> {

		private static final int MAX_BATCH = 256;

		private final CommandHandler<C> handler;

		private final ArrayDeque<C> queue = new ArrayDeque<>();

		private boolean closed;

		ManualRunner(CommandHandler<C> handler) {
			this.handler = handler;
		}

		@Override
		public void submit(C command) {
			if (this.closed) {
				this.handler.rejected(command, "it is shutting down");
				return;
			}
			this.queue.add(command);
		}

		/** Run one batch; return whether there was one. */
		boolean runBatch() {
			if (this.queue.isEmpty()) {
				return false;
			}
			for (int taken = 0; taken < MAX_BATCH && !this.queue.isEmpty(); taken++) {
				this.handler.process(this.queue.poll());
			}
			this.handler.endBatch();
			return true;
		}

		@Override
		public void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			while (runBatch()) {
				// what was queued before closing is processed, as in production
			}
			this.handler.stopped();
		}

	}

	/** The master lock, in memory: taken until closed, keeping the epoch written into it. */
	static final class ManualLock implements GroupLock {

		private boolean held;

		private long epoch;

		private java.util.Set<Long> members = java.util.Set.of();

		boolean tryTake() {
			if (this.held) {
				return false;
			}
			this.held = true;
			return true;
		}

		boolean isHeld() {
			return this.held;
		}

		@Override
		public long readEpoch() {
			return this.epoch;
		}

		@Override
		public void writeEpoch(long epoch) {
			this.epoch = epoch;
		}

		@Override
		public java.util.Set<Long> readMembers() {
			return this.members;
		}

		@Override
		public void writeMembers(java.util.Set<Long> pids) {
			this.members = java.util.Set.copyOf(pids);
		}

		@Override
		public void close() {
			this.held = false;
		}

	}

	/**
	 * A directory in memory that counts {@link DiskFile#force()} calls and fails them
	 * when told to.
	 */
	static final class MemoryDisk implements Disk {

		private final Map<String, byte[]> files = new HashMap<>();

		private int forces;

		private boolean failForce;

		private boolean full;

		/** How many times a file was forced. */
		int forces() {
			return this.forces;
		}

		/** Make every force from now on fail, or succeed again. */
		void failForce(boolean fail) {
			this.failForce = fail;
		}

		/** Make every append from now on fail as on a full disk, or succeed again. */
		void full(boolean full) {
			this.full = full;
		}

		byte[] content(String name) {
			return this.files.getOrDefault(name, new byte[0]).clone();
		}

		@Override
		public DiskFile open(String name) {
			this.files.putIfAbsent(name, new byte[0]);
			return new MemoryFile(name);
		}

		@Override
		public boolean exists(String name) {
			return this.files.containsKey(name);
		}

		@Override
		public void replace(String source, String target) throws IOException {
			byte[] content = this.files.remove(source);
			if (content == null) {
				throw new IOException(source + " does not exist");
			}
			this.files.put(target, content);
		}

		@Override
		public String describe() {
			return "memory";
		}

		private final class MemoryFile implements DiskFile {

			private final String name;

			MemoryFile(String name) {
				this.name = name;
			}

			private byte[] bytes() {
				return MemoryDisk.this.files.get(this.name);
			}

			@Override
			public long size() {
				return bytes().length;
			}

			@Override
			public int read(ByteBuffer target, long position) {
				byte[] bytes = bytes();
				if (position >= bytes.length) {
					return -1;
				}
				int length = (int) Math.min(target.remaining(), bytes.length - position);
				target.put(bytes, (int) position, length);
				return length;
			}

			@Override
			public void append(ByteBuffer source) throws IOException {
				if (MemoryDisk.this.full) {
					throw new IOException("No space left on device (told to be full)");
				}
				byte[] bytes = bytes();
				byte[] longer = Arrays.copyOf(bytes, bytes.length + source.remaining());
				source.get(longer, bytes.length, source.remaining());
				MemoryDisk.this.files.put(this.name, longer);
			}

			@Override
			public void force() throws IOException {
				if (MemoryDisk.this.failForce) {
					throw new IOException("force failed (told to fail)");
				}
				MemoryDisk.this.forces++;
			}

			@Override
			public void truncate(long size) {
				MemoryDisk.this.files.put(this.name, Arrays.copyOf(bytes(), (int) size));
			}

			@Override
			public void close() {
			}

		}

	}

}
