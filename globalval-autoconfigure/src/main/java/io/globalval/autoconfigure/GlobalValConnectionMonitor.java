package io.globalval.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

import io.globalval.Role;
import io.globalval.core.ChangeEvent;
import io.globalval.core.ChangeListener;
import io.globalval.core.GlobalValNode;

/**
 * Follows whether a node's replica is connected and current, to tell the health indicator
 * how long a worker has been cut off from its master, or a peer from its Redis server,
 * and, when given an {@link ApplicationAvailability} (auto-configured only with
 * {@code globalval.readiness.follow-connection=true}), to make Spring Boot's
 * {@link ReadinessState} follow it. It polls nothing: the
 * node tells it of every change of its connection
 * ({@link ChangeListener#onConnectionChanged(boolean)}).
 * <p>
 * Readiness, when followed: once the application accepts traffic, a worker that loses its master (a
 * peer that loses Redis) makes it refuse traffic ({@link ReadinessState#REFUSING_TRAFFIC}),
 * and accept it again when the master (Redis) is back; an application that starts to
 * accept traffic while cut off is made to refuse it at once. It only ever undoes its own
 * refusal, so it neither accepts traffic before Spring Boot does at startup nor after
 * the context begins to close.
 */
public class GlobalValConnectionMonitor implements ChangeListener, ApplicationListener<ApplicationEvent> {

	private static final Logger logger = LoggerFactory.getLogger(GlobalValConnectionMonitor.class);

	private static final long CONNECTED = Long.MIN_VALUE;

	private final GlobalValNode node;

	private final ApplicationEventPublisher publisher;

	private final ApplicationAvailability availability;

	private boolean started;

	private boolean connected;

	private long disconnectedSinceNanos = CONNECTED;

	private boolean refusedTraffic;

	private boolean closing;

	/**
	 * Create a new monitor; it follows the node once {@link #start() started}.
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
	 * state (always for a master), as last reported by the node.
	 * @return whether connected and current
	 */
	public synchronized boolean isCurrent() {
		return this.started ? this.connected : this.node.isConnected() && this.node.replica().isReady();
	}

	/**
	 * Return how long the replica has not been connected and current.
	 * @return the time, {@link Duration#ZERO} while connected
	 */
	public synchronized Duration disconnectedFor() {
		return (this.disconnectedSinceNanos != CONNECTED)
				? Duration.ofNanos(System.nanoTime() - this.disconnectedSinceNanos) : Duration.ZERO;
	}

	/**
	 * Start following the node's connection, from its state now. The node is ready (its
	 * replica has its state) by the time this is called.
	 */
	public void start() {
		synchronized (this) {
			if (this.started) {
				return;
			}
			this.started = true;
			// listen first, so that no change is missed between reading the state and listening
			this.node.addListener(this);
			update(this.node.isConnected() && this.node.replica().isReady());
		}
	}

	/**
	 * Stop following the node.
	 */
	public synchronized void stop() {
		if (this.started) {
			this.node.removeListener(this);
		}
	}

	/**
	 * Note the node's new connection state and publish a readiness change if it is due;
	 * called on the node's event thread.
	 * @param connected whether connected now
	 */
	@Override
	public synchronized void onConnectionChanged(boolean connected) {
		update(connected && this.node.replica().isReady());
	}

	@Override
	public void onChange(ChangeEvent event) {
		// changes are the event publisher's business
	}

	private void update(boolean current) {
		this.connected = current;
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
			refuseTraffic();
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

	private void refuseTraffic() {
		this.refusedTraffic = true;
		logger.warn("globalval '{}' lost its {} at {}; refusing traffic until it is back", this.node.settings().name(),
				sequencer(), this.node.sequencerAddress());
		AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
	}

	private String sequencer() {
		return (this.node.role() == Role.PEER) ? "Redis server" : "master";
	}

	/**
	 * Leave readiness alone once the application is shutting down; refuse traffic at
	 * once when the application starts to accept it while the node is cut off.
	 * @param event the event
	 */
	@Override
	public synchronized void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof ContextClosedEvent closed) {
			// a child context's close reaches its parent's listeners too: only our own counts
			if (!(this.publisher instanceof ApplicationContext) || closed.getApplicationContext() == this.publisher) {
				this.closing = true;
			}
		}
		else if (event instanceof AvailabilityChangeEvent<?> change
				&& change.getState() == ReadinessState.ACCEPTING_TRAFFIC && change.getSource() != this
				&& this.started && !this.connected) {
			// after this event has reached every listener: refusing from within it could be
			// overtaken by the application's availability recording the acceptance last
			CompletableFuture.runAsync(this::refuseIfCutOff);
		}
	}

	private synchronized void refuseIfCutOff() {
		if (!this.connected && !this.refusedTraffic && this.availability != null && !this.closing
				&& this.availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC) {
			refuseTraffic();
		}
	}

}
