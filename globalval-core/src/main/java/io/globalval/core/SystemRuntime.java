package io.globalval.core;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The production {@link EngineRuntime}: {@link System#nanoTime()}, a daemon thread per
 * timer and per runner (bounded at {@link ThreadedCommandRunner#DEFAULT_CAPACITY}
 * commands, unless asked for an unbounded one), {@link MasterLock file locks} and the file
 * system.
 */
final class SystemRuntime implements EngineRuntime {

	static final SystemRuntime INSTANCE = new SystemRuntime();

	private SystemRuntime() {
	}

	@Override
	public long nanoTime() {
		return System.nanoTime();
	}

	@Override
	public long newNodeId() {
		return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
	}

	@Override
	public long pid() {
		return ProcessHandle.current().pid();
	}

	@Override
	public boolean isAlive(long pid) {
		return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
	}

	@Override
	public Cancellable schedule(String name, Duration delay, Duration period, Runnable task) {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "globalval-" + name);
			thread.setDaemon(true);
			return thread;
		});
		long delayMillis = Math.max(0, delay.toMillis());
		if (period == null) {
			scheduler.schedule(() -> {
				try {
					task.run();
				}
				finally {
					scheduler.shutdown();
				}
			}, delayMillis, TimeUnit.MILLISECONDS);
		}
		else {
			scheduler.scheduleAtFixedRate(task, delayMillis, Math.max(1, period.toMillis()), TimeUnit.MILLISECONDS);
		}
		return scheduler::shutdownNow;
	}

	@Override
	public <C> CommandRunner<C> runner(String name, CommandHandler<C> handler) {
		return new ThreadedCommandRunner<>("globalval-" + name, handler, ThreadedCommandRunner.DEFAULT_CAPACITY);
	}

	@Override
	public <C> CommandRunner<C> unboundedRunner(String name, CommandHandler<C> handler) {
		return new ThreadedCommandRunner<>("globalval-" + name, handler, ThreadedCommandRunner.UNBOUNDED);
	}

	@Override
	public void prepareDirectory(Path directory) throws IOException {
		MasterLock.createPrivateDirectory(directory);
	}

	@Override
	public GroupLock tryLock(NodeSettings settings) throws IOException {
		return MasterLock.tryAcquire(settings);
	}

	@Override
	public Disk disk(Path directory) throws IOException {
		MasterLock.createPrivateDirectory(directory);
		return new FileDisk(directory);
	}

}
