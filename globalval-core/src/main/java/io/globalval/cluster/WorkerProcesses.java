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
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and watches the worker processes of an application, like a process manager:
 * each worker's output is logged line by line by a logger that names it (or inherited,
 * see {@link WorkerOutput}), a worker that exits unexpectedly is restarted with a growing
 * backoff until it exceeds the restarts allowed in a minute (then it is given up on, see
 * {@link #status()}), and {@link #stop()} ends them all: SIGTERM, then SIGKILL after the
 * stop timeout. A JVM shutdown hook stops them too, so Ctrl-C or SIGTERM on the master
 * leaves no orphans; a SIGKILL of the master does not run it (see
 * {@link WorkerLaunch#PARENT_PID_VARIABLE}). Thread-safe.
 */
public final class WorkerProcesses implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(WorkerProcesses.class);

	private final WorkerLaunch launch;

	private final BiConsumer<String, String> lines;

	private final List<Worker> workers = new ArrayList<>();

	private final ScheduledExecutorService restarts;

	private final Thread shutdownHook;

	private volatile boolean stopping;

	/**
	 * Create a manager that treats the workers' output as {@link WorkerLaunch#output()}
	 * says.
	 * @param launch how to start workers
	 */
	public WorkerProcesses(WorkerLaunch launch) {
		this(launch, (worker, line) -> LoggerFactory.getLogger(WorkerOutput.LOGGER_PREFIX + worker).info("{}", line));
	}

	/**
	 * Create a manager that hands each line of the workers' output to a consumer, unless
	 * {@link WorkerLaunch#output()} is {@link WorkerOutput#INHERIT}.
	 * @param launch how to start workers
	 * @param lines receives the name of the worker and one line of its output, from one
	 * thread per worker
	 */
	public WorkerProcesses(WorkerLaunch launch, BiConsumer<String, String> lines) {
		this.launch = launch;
		this.lines = lines;
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
	 * Return what each worker is doing, by index from 1.
	 * @return the status of every worker
	 */
	public synchronized List<WorkerStatus> status() {
		return this.workers.stream().map(Worker::status).toList();
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
				worker.state = WorkerStatus.State.STOPPED;
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

		private WorkerStatus.State state = WorkerStatus.State.STOPPED;

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
			List<String> command = launch.command(this.index);
			ProcessBuilder builder = new ProcessBuilder(command);
			if (launch.output() == WorkerOutput.INHERIT) {
				// not stdin: the worker's stays a pipe that nobody writes to, as the master's may be a terminal
				builder.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
			}
			else {
				builder.redirectErrorStream(true);
			}
			Map<String, String> environment = builder.environment();
			environment.putAll(launch.environment());
			environment.put(WorkerLaunch.WORKER_INDEX_VARIABLE, String.valueOf(this.index));
			this.startedNanos = System.nanoTime();
			// a command that cannot start at all counts as a start too, so that the master gives up on it
			this.recentStarts.addLast(this.startedNanos);
			try {
				this.process = builder.start();
			}
			catch (IOException ex) {
				logger.error("Cannot start {} with {}", this.name, command, ex);
				this.process = null;
				scheduleRestart();
				return;
			}
			this.state = WorkerStatus.State.RUNNING;
			Process started = this.process;
			logger.info("Started {} (pid {}{})", this.name, started.pid(), ports());
			if (launch.output() == WorkerOutput.LOG) {
				Thread forwarder = new Thread(() -> forward(started), "globalval-output-" + this.name);
				forwarder.setDaemon(true);
				forwarder.start();
			}
			started.onExit().thenAccept(this::exited);
		}

		private String ports() {
			StringBuilder ports = new StringBuilder();
			for (WorkerPort port : WorkerProcesses.this.launch.ports()) {
				ports.append(", ").append(port.property()).append(' ').append(port.port(this.index));
			}
			return ports.toString();
		}

		WorkerStatus status() {
			Process current = this.process;
			long pid = (this.state == WorkerStatus.State.RUNNING && current != null) ? current.pid() : 0L;
			return new WorkerStatus(this.name, this.state, pid, this.restarts);
		}

		private void forward(Process started) {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					WorkerProcesses.this.lines.accept(this.name, line);
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
				logger.error("{} exited again after {} restarts within a minute, the most allowed; giving up on it "
						+ "until the master restarts", this.name, this.recentStarts.size() - 1);
				this.state = WorkerStatus.State.GAVE_UP;
				return;
			}
			this.state = WorkerStatus.State.RESTARTING;
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
