package io.globalval.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

import io.globalval.GlobalValException;
import io.globalval.Role;
import io.globalval.core.GlobalValNode;

/**
 * Starts and stops a {@link GlobalValNode} with the application context.
 * <p>
 * The node itself starts when its bean is created (it takes the lock, binds or connects
 * the socket; a Redis peer connects to Redis), so that a worker or peer fetches the state
 * while the rest of the context is built. {@link #start()} then waits, at most {@code globalval.startup-timeout}, until
 * the node may serve reads, and fails startup with a message that says why if it cannot.
 * So the node is ready before any bean of a later phase starts, before the web server
 * takes requests, and before {@code ApplicationRunner}s run. Then this process's role is
 * published and the change events queued meanwhile follow, in revision order.
 * <p>
 * {@link #stop()} closes the node after everything of a later phase has stopped (the web
 * server included): a worker waits briefly for its writes in flight and fails the rest,
 * never dropping one silently. A stopped node cannot be started again.
 */
public class GlobalValLifecycle implements SmartLifecycle, DisposableBean {

	/**
	 * The phase of the node: before the web server (and any bean of the default phase)
	 * starts, after it stops.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(GlobalValLifecycle.class);

	private final GlobalValNode node;

	private final GlobalValEventPublisher events;

	private final GlobalValConnectionMonitor monitor;

	private final Duration startupTimeout;

	private volatile boolean running;

	private volatile boolean stopped;

	GlobalValLifecycle(GlobalValNode node, GlobalValEventPublisher events, GlobalValConnectionMonitor monitor,
			Duration startupTimeout) {
		this.node = node;
		this.events = events;
		this.monitor = monitor;
		this.startupTimeout = startupTimeout;
		events.listenTo(node);
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		if (this.stopped) {
			throw new IllegalStateException("The globalval node of '" + this.node.settings().name()
					+ "' was stopped and cannot be started again; start a new application context");
		}
		awaitReady();
		this.running = true;
		this.events.publishRole(this.node.role());
		this.events.open();
		this.monitor.start();
	}

	private void awaitReady() {
		String name = this.node.settings().name();
		try {
			this.node.ready().get(this.startupTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new GlobalValException(timeoutMessage(name));
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new GlobalValException(
					"The globalval " + describe() + " of '" + name + "' cannot start: " + cause.getMessage(), cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new GlobalValException("Interrupted while the globalval " + describe() + " of '" + name
					+ "' waited for its state", ex);
		}
	}

	private String timeoutMessage(String name) {
		if (this.node.role() == Role.PEER) {
			return ("The globalval peer of '%s' did not load its state from %s within globalval.startup-timeout (%s): "
					+ "%s. Check that Redis runs there and answers (spring.data.redis.*), or raise "
					+ "globalval.startup-timeout")
				.formatted(name, this.node.sequencerAddress(), this.startupTimeout,
						this.node.isConnected() ? "it is connected, but the state did not arrive"
								: "it is not connected");
		}
		return ("The globalval %s of '%s' did not get the master's state within "
				+ "globalval.startup-timeout (%s): %s. Start the master (a process of '%s' with "
				+ "globalval.role=auto or master and the same globalval.uds.directory), or raise "
				+ "globalval.startup-timeout")
			.formatted(describe(), name, this.startupTimeout,
					this.node.isConnected() ? "it is connected, but the state did not arrive"
							: "no master answered at " + this.node.sequencerAddress(),
					name);
	}

	private String describe() {
		return switch (this.node.role()) {
			case MASTER -> "master";
			case WORKER -> "worker";
			case PEER -> "peer";
		};
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.stopped = true;
		this.monitor.stop();
		this.node.close();
		// the node's close delivered what it had applied; nothing follows
		this.events.discard();
		logger.debug("Stopped the globalval node of '{}'", this.node.settings().name());
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Close the node if it never started (a context that failed to start): its queued
	 * events are dropped rather than published to a context that is going away.
	 */
	@Override
	public void destroy() {
		this.monitor.stop();
		this.events.discard();
		this.node.close();
	}

}
