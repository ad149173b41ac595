package io.globalval.core;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything the engine takes from the world outside it: time, timers, the threads that
 * drive its state machines, the master lock and the disk. The engine classes
 * ({@link Sequencer}, the roles, the node) own no thread, clock, lock file or file of
 * their own; they ask their runtime. In production that is {@link SystemRuntime}; in
 * tests a seeded simulator provides one that runs a whole group of nodes in one thread,
 * so that every interleaving, crash and fault can be chosen by a seed and replayed.
 * <p>
 * The split follows Agrona's {@code AgentRunner} / {@code AgentInvoker}: a state machine
 * processes the inputs it is given (commands, ticks carrying the time) and produces its
 * outputs (frames to links, disk writes, futures to complete, events); a runner decides
 * on which thread, and when, that happens.
 */
public interface EngineRuntime {

	/**
	 * Return the current time of the monotonic clock.
	 * @return nanoseconds, comparable only with other values of this runtime
	 */
	long nanoTime();

	/**
	 * Return the sequence number of this process's next write. In production the next
	 * value of the counter; a simulation may hand numbers out of order where production
	 * can, as threads of one process do when they take their numbers in one order and
	 * hand their writes on in another (the master takes a process's writes in any order).
	 * @param counter the process's counter of write numbers
	 * @param ordered whether the caller takes the number and hands the write on under one
	 * lock, so that numbers leave in order (a worker's writes)
	 * @return the number, never one handed out before
	 */
	default long nextWriteSeq(AtomicLong counter, boolean ordered) {
		return counter.incrementAndGet();
	}

	/**
	 * Return a new random node id.
	 * @return an id from 1 to {@code Integer.MAX_VALUE - 1}
	 */
	long newNodeId();

	/**
	 * Return the id of this process, as other processes see it.
	 * @return the process id
	 */
	long pid();

	/**
	 * Return whether a process of this host is alive (a paused process is).
	 * @param pid the process id
	 * @return whether it is alive
	 */
	boolean isAlive(long pid);

	/**
	 * Run a task after a delay, and then every period if one is given. Tasks of one
	 * timer never overlap.
	 * @param name what the timer is for, for thread names and traces
	 * @param delay the delay before the first run
	 * @param period the period of the next runs, or {@code null} to run once
	 * @param task the task
	 * @return what cancels the timer
	 */
	Cancellable schedule(String name, Duration delay, Duration period, Runnable task);

	/**
	 * Create a runner that feeds commands to a state machine one at a time, in the order
	 * they were submitted, in batches. It may be bounded: a submitter then waits while
	 * its queue is full (never the runner's own thread).
	 * @param <C> the command type
	 * @param name what the runner drives, for thread names and traces
	 * @param handler the state machine
	 * @return the runner, started
	 */
	<C> CommandRunner<C> runner(String name, CommandHandler<C> handler);

	/**
	 * Create a runner like {@link #runner}, whose submitters never wait: for a queue
	 * whose consumer may wait for its producer (listeners that wait for a write, which
	 * the applying thread that feeds them must apply first). By default the same as
	 * {@link #runner}.
	 * @param <C> the command type
	 * @param name what the runner drives, for thread names and traces
	 * @param handler the state machine
	 * @return the runner, started
	 */
	default <C> CommandRunner<C> unboundedRunner(String name, CommandHandler<C> handler) {
		return runner(name, handler);
	}

	/**
	 * Create the directory of an application's lock file and socket, owner-only.
	 * @param directory the directory
	 * @throws IOException if it cannot be created
	 */
	void prepareDirectory(Path directory) throws IOException;

	/**
	 * Try to take an application's master lock.
	 * @param settings the application's settings
	 * @return the held lock, or {@code null} if another node holds it
	 * @throws IOException if the lock cannot be tried
	 */
	GroupLock tryLock(NodeSettings settings) throws IOException;

	/**
	 * Return the disk of a directory, for the master's change store.
	 * @param directory the directory
	 * @return the disk
	 * @throws IOException if the directory cannot be created
	 */
	Disk disk(Path directory) throws IOException;

	/**
	 * Return the runtime of production: the system clock, daemon threads, file locks and
	 * files.
	 * @return the system runtime
	 */
	static EngineRuntime system() {
		return SystemRuntime.INSTANCE;
	}

	/**
	 * Return a runtime for a node that is alone in its process: the system's clock,
	 * timers and threads, but a master lock held in memory (each runtime has its own, so
	 * its first node is always master) and no directory, lock file or socket. Persistence,
	 * if configured, still writes its files.
	 * @return a new in-process runtime
	 */
	static EngineRuntime inProcess() {
		return new InProcessRuntime(SystemRuntime.INSTANCE);
	}

	/**
	 * A timer that can be cancelled.
	 */
	@FunctionalInterface
	interface Cancellable {

		/**
		 * Cancel the timer; a run in progress finishes.
		 */
		void cancel();

	}

}
