package io.globalval.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and watches the worker processes of an application, like a process manager:
 * each worker's output is forwarded line by line with a prefix that names it, a worker
 * that exits unexpectedly is restarted with a growing backoff (up to a limit of restarts
 * a minute), and {@link #stop()} ends them all: SIGTERM, then SIGKILL after the stop
 * timeout. A JVM shutdown hook stops them too, so Ctrl-C or SIGTERM on the master
 * leaves no orphans. Thread-safe.
 */
public final class WorkerProcesses implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(WorkerProcesses.class);

	private final WorkerLaunch launch;

	private final Consumer<String> output;

	private final List<Worker> workers = new ArrayList<>();

	private final ScheduledExecutorService restarts;

	private final Thread shutdownHook;

	private volatile boolean stopping;

	/**
	 * Create a manager that forwards worker output to this process's standard output.
	 * @param launch how to start workers
	 */
	public WorkerProcesses(WorkerLaunch launch) {
		// forwarding a child's output is the point here, not logging: it goes to stdout as is
		this(launch, System.out::println);
	}

	/**
	 * Create a manager.
	 * @param launch how to start workers
	 * @param output receives each line of worker output, prefixed with the worker's name
	 */
	public WorkerProcesses(WorkerLaunch launch, Consumer<String> output) {
		this.launch = launch;
		this.output = output;
		this.restarts = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "globalval-worker-restarts");
			thread.setDaemon(true);
			return thread;
		});
		this.shutdownHook = new Thread(this::stop, "globalval-stop-workers");
		for (int index = 1; index <= launch.workers(); index++) {
			this.workers.add(new Worker(index));
		}
	}

	/**
	 * Start every worker.
	 */
	public synchronized void start() {
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		for (Worker worker : this.workers) {
			worker.start();
		}
	}

	/**
	 * Return the process ids of the running workers, by index from 1 (0 when not running).
	 * @return the pids
	 */
	public synchronized List<Long> pids() {
		List<Long> pids = new ArrayList<>();
		for (Worker worker : this.workers) {
			Process process = worker.process;
			pids.add((process != null && process.isAlive()) ? process.pid() : 0L);
		}
		return pids;
	}

	/**
	 * Return how often each worker was restarted, by index from 1.
	 * @return the restart counts
	 */
	public synchronized List<Integer> restartCounts() {
		return this.workers.stream().map((worker) -> worker.restarts).toList();
	}

	/**
	 * Stop every worker: SIGTERM, then SIGKILL for those still alive after the stop timeout.
	 */
	public void stop() {
		List<Process> running = new ArrayList<>();
		synchronized (this) {
			if (this.stopping) {
				return;
			}
			this.stopping = true;
			this.restarts.shutdownNow();
			for (Worker worker : this.workers) {
				if (worker.process != null && worker.process.isAlive()) {
					running.add(worker.process);
					worker.process.destroy();
				}
			}
		}
		long deadline = System.nanoTime() + this.launch.stopTimeout().toNanos();
		for (Process process : running) {
			try {
				long left = Math.max(0, deadline - System.nanoTime());
				if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
					logger.warn("Worker pid {} did not stop within {}; killing it", process.pid(),
							this.launch.stopTimeout());
					process.destroyForcibly();
					process.waitFor(5, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}
		if (!running.isEmpty()) {
			logger.info("Stopped {} globalval workers", running.size());
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is already shutting down: this is the hook running
		}
	}

	@Override
	public void close() {
		stop();
	}

	private final class Worker {

		private final int index;

		private final String name;

		private final Deque<Long> recentStarts = new ArrayDeque<>();

		private Duration backoff;

		private Process process;

		private long startedNanos;

		private int restarts;

		Worker(int index) {
			this.index = index;
			this.name = "worker-" + index;
			this.backoff = WorkerProcesses.this.launch.restartBackoff();
		}

		/** Start the process; called with the manager's lock held. */
		void start() {
			if (WorkerProcesses.this.stopping) {
				return;
			}
			WorkerLaunch launch = WorkerProcesses.this.launch;
			ProcessBuilder builder = new ProcessBuilder(launch.command()).redirectErrorStream(true);
			Map<String, String> environment = builder.environment();
			environment.putAll(launch.environment());
			environment.put(WorkerLaunch.WORKER_INDEX_VARIABLE, String.valueOf(this.index));
			if (launch.basePort() != null) {
				environment.put("SERVER_PORT", String.valueOf(launch.basePort() + this.index - 1));
			}
			try {
				this.process = builder.start();
			}
			catch (IOException ex) {
				logger.error("Cannot start {} with {}", this.name, launch.command(), ex);
				scheduleRestart();
				return;
			}
			this.startedNanos = System.nanoTime();
			this.recentStarts.addLast(this.startedNanos);
			Process started = this.process;
			logger.info("Started {} (pid {}{})", this.name, started.pid(),
					(launch.basePort() != null) ? ", port " + (launch.basePort() + this.index - 1) : "");
			Thread forwarder = new Thread(() -> forward(started), "globalval-output-" + this.name);
			forwarder.setDaemon(true);
			forwarder.start();
			started.onExit().thenAccept(this::exited);
		}

		private void forward(Process started) {
			String prefix = "[" + this.name + "] ";
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					WorkerProcesses.this.output.accept(prefix + line);
				}
			}
			catch (IOException ex) {
				// the process ended; its exit is handled by exited()
			}
		}

		private void exited(Process ended) {
			synchronized (WorkerProcesses.this) {
				if (WorkerProcesses.this.stopping || ended != this.process) {
					return;
				}
				logger.warn("{} (pid {}) exited with code {}", this.name, ended.pid(), ended.exitValue());
				if (System.nanoTime() - this.startedNanos > TimeUnit.MINUTES.toNanos(1)) {
					// it ran well for a while: this exit does not continue a crash loop
					this.backoff = WorkerProcesses.this.launch.restartBackoff();
				}
				scheduleRestart();
			}
		}

		private void scheduleRestart() {
			long minuteAgo = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);
			while (!this.recentStarts.isEmpty() && this.recentStarts.peekFirst() < minuteAgo) {
				this.recentStarts.removeFirst();
			}
			if (this.recentStarts.size() > WorkerProcesses.this.launch.maxRestartsPerMinute()) {
				logger.error("{} was restarted {} times within a minute; giving up on it", this.name,
						this.recentStarts.size() - 1);
				return;
			}
			Duration wait = this.backoff;
			this.backoff = this.backoff.multipliedBy(2).compareTo(WorkerLaunch.MAX_BACKOFF) > 0 ? WorkerLaunch.MAX_BACKOFF
					: this.backoff.multipliedBy(2);
			logger.info("Restarting {} in {} ms", this.name, wait.toMillis());
			WorkerProcesses.this.restarts.schedule(() -> {
				synchronized (WorkerProcesses.this) {
					this.restarts++;
					start();
				}
			}, wait.toMillis(), TimeUnit.MILLISECONDS);
		}

	}

}
