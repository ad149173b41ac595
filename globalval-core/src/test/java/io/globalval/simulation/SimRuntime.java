package io.globalval.simulation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import io.globalval.core.CommandHandler;
import io.globalval.core.CommandRunner;
import io.globalval.core.Disk;
import io.globalval.core.EngineRuntime;
import io.globalval.core.GroupLock;
import io.globalval.core.NodeSettings;

/**
 * The {@link EngineRuntime} of one simulated incarnation: the simulated clock, timers and
 * runner batches as events of the simulation's schedule (dropped when the incarnation
 * dies, held while it is paused), the group's simulated lock and disks. Event listeners
 * run inline, at the moment a change is applied, so the simulation sees every replica
 * exactly as of each revision.
 */
final class SimRuntime implements EngineRuntime {

	/** Commands one runner batch takes at most, as the production runner. */
	private static final int MAX_BATCH = 256;

	private final Simulation simulation;

	private final Incarnation incarnation;

	/**
	 * Picks which writes of this incarnation take their numbers out of order: its own
	 * generator, so that the rest of the seed's schedule is the same with or without it.
	 */
	private final Random reorder;

	/** Numbers taken so far: the simulation numbers an incarnation's writes itself. */
	private long taken;

	/** A number taken and not yet handed out: a write that lost the race to the connection; 0 if none. */
	private long heldSeq;

	/** The epoch of the node when {@link #heldSeq} was held. */
	private long heldEpoch;

	/** The number the next write gets, once asked for; 0 if not decided yet. */
	private long upcoming;

	SimRuntime(Simulation simulation, Incarnation incarnation) {
		this.simulation = simulation;
		this.incarnation = incarnation;
		this.reorder = new Random(simulation.seed * 31 + incarnation.name.hashCode());
	}

	/**
	 * Hand numbers out of order now and then where production can (a master's own
	 * writes, taken by racing threads): one write in 16 leaves its number for the next
	 * write of the same kind and takes the one after. A held number is dropped (a gap, as
	 * a write that failed before it was numbered leaves) when the node's epoch changed
	 * meanwhile: racing threads hold a number for microseconds, never across a takeover.
	 * The node's own counter is not used: numbers are per incarnation, as node ids are.
	 */
	@Override
	public long nextWriteSeq(AtomicLong counter, boolean ordered) {
		long seq = upcomingWriteSeq(ordered);
		this.upcoming = 0;
		return seq;
	}

	/**
	 * Return the number the next write of this incarnation will get, so that the history
	 * knows a write's identity before the write is made.
	 * @param ordered whether the write takes its number in order (a worker's)
	 * @return the number
	 */
	long upcomingWriteSeq(boolean ordered) {
		if (this.upcoming == 0) {
			this.upcoming = decideNextSeq(ordered);
		}
		return this.upcoming;
	}

	private long decideNextSeq(boolean ordered) {
		long epoch = this.incarnation.node.epoch();
		if (this.heldSeq != 0 && (ordered || this.heldEpoch != epoch)) {
			this.heldSeq = 0;
		}
		if (this.heldSeq != 0) {
			long held = this.heldSeq;
			this.heldSeq = 0;
			return held;
		}
		long seq = ++this.taken;
		if (!ordered && this.reorder.nextInt(16) == 0) {
			this.heldSeq = seq;
			this.heldEpoch = epoch;
			seq = ++this.taken;
		}
		return seq;
	}

	@Override
	public long nanoTime() {
		return this.simulation.scheduler.now();
	}

	@Override
	public long newNodeId() {
		return 1 + (this.simulation.random.nextLong() >>> 1) % (Long.MAX_VALUE - 1);
	}

	@Override
	public long pid() {
		return this.incarnation.process.pid;
	}

	@Override
	public boolean isAlive(long pid) {
		for (SimProcess process : this.simulation.processes) {
			if (process.pid == pid) {
				return process.isUp();
			}
		}
		return false;
	}

	@Override
	public Cancellable schedule(String name, Duration delay, Duration period, Runnable task) {
		SimTimer timer = new SimTimer(name, period, task);
		timer.next(delay.toNanos());
		return timer;
	}

	@Override
	public <C> CommandRunner<C> runner(String name, CommandHandler<C> handler) {
		return name.startsWith("events-") ? new InlineRunner<>(handler) : new SimRunner<>(name, handler);
	}

	@Override
	public void prepareDirectory(Path directory) {
	}

	@Override
	public GroupLock tryLock(NodeSettings settings) {
		return this.simulation.locks.tryLock(this.incarnation);
	}

	@Override
	public Disk disk(Path directory) {
		return this.simulation.disk(directory.toString());
	}

	private final class SimTimer implements Cancellable {

		private final String name;

		private final Duration period;

		private final Runnable task;

		private SimScheduler.Event event;

		private boolean cancelled;

		SimTimer(String name, Duration period, Runnable task) {
			this.name = name;
			this.period = period;
			this.task = task;
		}

		void next(long delayNanos) {
			this.event = SimRuntime.this.simulation.scheduler.after(delayNanos, SimRuntime.this.incarnation,
					this.name, this::fire);
		}

		private void fire() {
			if (this.cancelled) {
				return;
			}
			this.task.run();
			if (this.period != null && !this.cancelled) {
				next(this.period.toNanos());
			}
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			if (this.event != null) {
				this.event.cancel();
			}
		}

	}

	/** A runner whose batches are events: other events may come between two batches. */
	private final class SimRunner<C> implements CommandRunner<C> {

		private final String name;

		private final CommandHandler<C> handler;

		private final ArrayDeque<C> queue = new ArrayDeque<>();

		private boolean scheduled;

		private boolean closed;

		SimRunner(String name, CommandHandler<C> handler) {
			this.name = name;
			this.handler = handler;
		}

		@Override
		public void submit(C command) {
			if (this.closed) {
				this.handler.rejected(command, "it is shutting down");
				return;
			}
			this.queue.add(command);
			if (!this.scheduled) {
				this.scheduled = true;
				SimRuntime.this.simulation.scheduler.after(SimRuntime.this.simulation.runnerDelay(),
						SimRuntime.this.incarnation, this.name, this::drain);
			}
		}

		private void drain() {
			this.scheduled = false;
			int taken = 0;
			while (taken < MAX_BATCH && !this.queue.isEmpty()) {
				C command = this.queue.poll();
				taken++;
				try {
					this.handler.process(command);
				}
				catch (RuntimeException ex) {
					SimRuntime.this.simulation.engineFailure(this.name + " failed on " + command, ex);
					this.handler.rejected(command, "internal error: " + ex);
				}
			}
			try {
				this.handler.endBatch();
			}
			catch (RuntimeException ex) {
				// in production the runner's thread ends here, as ThreadedCommandRunner's does
				SimRuntime.this.simulation.engineFailure(this.name + " failed to end a batch", ex);
				return;
			}
			if (!this.queue.isEmpty() && !this.scheduled) {
				this.scheduled = true;
				SimRuntime.this.simulation.scheduler.after(0, SimRuntime.this.incarnation, this.name, this::drain);
			}
		}

		@Override
		public void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			while (!this.queue.isEmpty()) {
				drain();
			}
			this.handler.stopped();
		}

	}

	/** Runs each command at once, on the submitting step. */
	private static final class InlineRunner<C> implements CommandRunner<C> {

		private final CommandHandler<C> handler;

		private boolean closed;

		InlineRunner(CommandHandler<C> handler) {
			this.handler = handler;
		}

		@Override
		public void submit(C command) {
			if (this.closed) {
				this.handler.rejected(command, "it is shutting down");
				return;
			}
			this.handler.process(command);
			this.handler.endBatch();
		}

		@Override
		public void close() {
			this.closed = true;
			this.handler.stopped();
		}

	}

}
