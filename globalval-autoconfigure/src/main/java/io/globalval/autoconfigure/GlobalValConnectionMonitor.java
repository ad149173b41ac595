package io.globalval.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

import io.globalval.Role;
import io.globalval.core.GlobalValNode;

/**
 * Watches whether a node's replica is connected and current, to make Spring Boot's
 * {@link ReadinessState} follow it and to tell the health indicator how long a worker has
 * been cut off from its master, or a peer from its Redis server.
 * <p>
 * Readiness: once the application accepts traffic, a worker that loses its master (a
 * peer that loses Redis) makes it refuse traffic ({@link ReadinessState#REFUSING_TRAFFIC}),
 * and accept it again when the master (Redis) is back. It only ever undoes its own refusal, so it neither accepts traffic
 * before Spring Boot does at startup nor after the context begins to close.
 */
public class GlobalValConnectionMonitor implements ApplicationListener<ContextClosedEvent> {

	/** How often the connection is checked while the node runs. */
	public static final Duration CHECK_INTERVAL = Duration.ofMillis(200);

	private static final Logger logger = LoggerFactory.getLogger(GlobalValConnectionMonitor.class);

	private static final long CONNECTED = Long.MIN_VALUE;

	private final GlobalValNode node;

	private final ApplicationEventPublisher publisher;

	private final ApplicationAvailability availability;

	private ScheduledExecutorService checker;

	private long disconnectedSinceNanos = CONNECTED;

	private boolean refusedTraffic;

	private boolean closing;

	/**
	 * Create a new monitor; it checks only once {@link #start() started}, or when asked.
	 * @param node the node
	 * @param publisher where to publish readiness changes
	 * @param availability the application's availability, or {@code null} to leave
	 * readiness alone
	 */
	public GlobalValConnectionMonitor(GlobalValNode node, ApplicationEventPublisher publisher,
			ApplicationAvailability availability) {
		this.node = node;
		this.publisher = publisher;
		this.availability = availability;
	}

	/**
	 * Return whether the replica is connected to its master (a peer: to Redis) and has its
	 * state (always for a master).
	 * @return whether connected and current
	 */
	public boolean isCurrent() {
		return this.node.isConnected() && this.node.replica().isReady();
	}

	/**
	 * Return how long the replica has not been connected and current, as seen by the
	 * checks so far and one made now.
	 * @return the time, {@link Duration#ZERO} while connected
	 */
	public synchronized Duration disconnectedFor() {
		check();
		return (this.disconnectedSinceNanos != CONNECTED)
				? Duration.ofNanos(System.nanoTime() - this.disconnectedSinceNanos) : Duration.ZERO;
	}

	/**
	 * Check the connection now and publish a readiness change if it is due.
	 */
	public synchronized void check() {
		boolean current = isCurrent();
		if (current) {
			this.disconnectedSinceNanos = CONNECTED;
		}
		else if (this.disconnectedSinceNanos == CONNECTED) {
			this.disconnectedSinceNanos = System.nanoTime();
		}
		if (this.availability == null || this.closing) {
			return;
		}
		if (!current && !this.refusedTraffic
				&& this.availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC) {
			this.refusedTraffic = true;
			logger.warn("globalval '{}' lost its {} at {}; refusing traffic until it is back",
					this.node.settings().name(), sequencer(), this.node.sequencerAddress());
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
		}
		else if (current && this.refusedTraffic) {
			this.refusedTraffic = false;
			if (this.availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC) {
				logger.info("globalval '{}' is connected to its {} again; accepting traffic",
						this.node.settings().name(), sequencer());
				AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.ACCEPTING_TRAFFIC);
			}
		}
	}

	private String sequencer() {
		return (this.node.role() == Role.PEER) ? "Redis server" : "master";
	}

	/**
	 * Start checking every {@link #CHECK_INTERVAL}.
	 */
	public synchronized void start() {
		if (this.checker != null) {
			return;
		}
		String name = this.node.settings().name();
		this.checker = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "globalval-monitor-" + name);
			thread.setDaemon(true);
			return thread;
		});
		long interval = CHECK_INTERVAL.toMillis();
		this.checker.scheduleWithFixedDelay(this::checkSafely, interval, interval, TimeUnit.MILLISECONDS);
	}

	/**
	 * Stop checking.
	 */
	public synchronized void stop() {
		if (this.checker != null) {
			this.checker.shutdownNow();
			this.checker = null;
		}
	}

	/**
	 * Leave readiness alone from now on: the application is shutting down.
	 * @param event the event
	 */
	@Override
	public synchronized void onApplicationEvent(ContextClosedEvent event) {
		// a child context's close reaches its parent's listeners too: only our own counts
		if (!(this.publisher instanceof ApplicationContext) || event.getApplicationContext() == this.publisher) {
			this.closing = true;
		}
	}

	private void checkSafely() {
		try {
			check();
		}
		catch (RuntimeException ex) {
			// a failing check must not cancel the schedule
			logger.warn("Checking the globalval connection failed", ex);
		}
	}

}
