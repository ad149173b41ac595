package io.globalval.autoconfigure;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import io.globalval.cluster.WorkerLaunch;

/**
 * Shuts a cluster-mode worker down when the master that started it is gone, killed with
 * SIGKILL included, so that no worker outlives its supervisor
 * ({@code globalval.cluster.exit-with-parent}). The master's pid comes in
 * {@link WorkerLaunch#PARENT_PID_VARIABLE}. The JDK watches a process that is not a
 * child by polling it, at most 5 seconds apart, so a worker notices within seconds.
 * Nothing happens once this worker stops on its own.
 */
public class GlobalValParentWatch implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(GlobalValParentWatch.class);

	private final long parentPid;

	private final Runnable exit;

	private volatile boolean running;

	/**
	 * Create a watch.
	 * @param parentPid the process id of the master
	 * @param exit what shuts this process down, run on a thread of its own once the
	 * master is gone
	 */
	public GlobalValParentWatch(long parentPid, Runnable exit) {
		this.parentPid = parentPid;
		this.exit = exit;
	}

	@Override
	public void start() {
		this.running = true;
		Optional<ProcessHandle> parent = ProcessHandle.of(this.parentPid);
		if (parent.isEmpty()) {
			parentGone();
			return;
		}
		parent.get().onExit().thenRun(this::parentGone);
	}

	private void parentGone() {
		if (!this.running) {
			return;
		}
		logger.warn("The master that started this worker (pid {}) is gone; shutting down "
				+ "(globalval.cluster.exit-with-parent=true)", this.parentPid);
		// not on the JDK's process reaper thread, and never inside start(): shutting down waits for a refresh to end
		Thread thread = new Thread(this.exit, "globalval-exit-with-parent");
		thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Return the process id of the master this worker watches.
	 * @return its pid
	 */
	public long parentPid() {
		return this.parentPid;
	}

}
