package io.globalval.autoconfigure;

import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;

import io.globalval.Role;
import io.globalval.autoconfigure.environment.GlobalValLiveProperties;
import io.globalval.core.ChangeEvent;
import io.globalval.core.ChangeListener;
import io.globalval.core.DiscardedChanges;
import io.globalval.core.GlobalValNode;
import io.globalval.event.GlobalValChangedEvent;
import io.globalval.event.GlobalValChangesDiscardedEvent;
import io.globalval.event.GlobalValRoleEvent;
import io.globalval.event.GlobalValSnapshotEvent;

/**
 * Turns what a node applies into application events, on the node's event thread.
 * <p>
 * The node is listened to from the moment it starts, but {@code @EventListener} methods
 * are only registered once every singleton exists; so until {@link #open()} the event
 * thread waits here, and the node queues what it applies meanwhile (in order). Nothing a
 * process applies while its context starts is lost.
 */
final class GlobalValEventPublisher implements ChangeListener {

	private static final Logger logger = LoggerFactory.getLogger(GlobalValEventPublisher.class);

	private final ApplicationEventPublisher publisher;

	private final ObjectProvider<GlobalValLiveProperties> livePropertiesProvider;

	/** Live configuration, when enabled: told of every change before its event is published. */
	private volatile GlobalValLiveProperties liveProperties;

	private final CountDownLatch opened = new CountDownLatch(1);

	private volatile GlobalValNode node;

	private volatile boolean discarding;

	/** The role last published, so that the node's own report of it is not published twice. */
	private volatile Role publishedRole;

	GlobalValEventPublisher(ApplicationEventPublisher publisher,
			ObjectProvider<GlobalValLiveProperties> liveProperties) {
		this.publisher = publisher;
		this.livePropertiesProvider = liveProperties;
	}

	/**
	 * Note the node this publisher was already added to as a listener.
	 * @param node the node, the source of the events
	 */
	void listeningTo(GlobalValNode node) {
		this.node = node;
	}

	/**
	 * Listen to a node unless this publisher already does.
	 * @param node the node, the source of the events
	 */
	void listenTo(GlobalValNode node) {
		if (this.node != node) {
			this.node = node;
			node.addListener(this);
		}
	}

	/**
	 * Start publishing, beginning with what was queued.
	 */
	void open() {
		// resolved now, not when this is created: the live properties need the node
		this.liveProperties = this.livePropertiesProvider.getIfAvailable();
		updateProperties(GlobalValLiveProperties::reload);
		this.opened.countDown();
	}

	/**
	 * Stop publishing: what is queued and what comes later is dropped.
	 */
	void discard() {
		this.discarding = true;
		this.opened.countDown();
	}

	@Override
	public void onChange(ChangeEvent change) {
		if (awaitOpen()) {
			updateProperties((live) -> live.apply(change));
			publish(new GlobalValChangedEvent(this.node, change));
		}
	}

	@Override
	public void onSnapshot(long revision, int keys) {
		if (awaitOpen()) {
			updateProperties(GlobalValLiveProperties::reload);
			publish(new GlobalValSnapshotEvent(this.node, revision, keys));
		}
	}

	@Override
	public void onDiscarded(DiscardedChanges discarded) {
		if (awaitOpen()) {
			publish(new GlobalValChangesDiscardedEvent(this.node, discarded));
		}
	}

	@Override
	public void onRole(Role role) {
		if (awaitOpen() && role != this.publishedRole) {
			publishRole(role);
		}
	}

	/**
	 * Publish the node's role, on the calling thread.
	 * @param role the role
	 */
	void publishRole(Role role) {
		this.publishedRole = role;
		publish(new GlobalValRoleEvent(this.node, this.node.settings().name(), role));
	}

	private boolean awaitOpen() {
		try {
			this.opened.await();
		}
		catch (InterruptedException ex) {
			// the node is closing before the context ever started: nobody listens
			Thread.currentThread().interrupt();
			return false;
		}
		return !this.discarding;
	}

	private void updateProperties(Consumer<GlobalValLiveProperties> update) {
		GlobalValLiveProperties live = this.liveProperties;
		if (live != null) {
			try {
				update.accept(live);
			}
			catch (RuntimeException ex) {
				// thrown by a rebinding or refresh listener: the change events still follow
				logger.warn("Updating the Environment's global values failed", ex);
			}
		}
	}

	private void publish(ApplicationEvent event) {
		try {
			this.publisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			// thrown by a listener: logged like the core does, and replication goes on
			logger.warn("A listener of {} failed; listeners after it did not get this event", event, ex);
		}
	}

	@Override
	public String toString() {
		return "GlobalValEventPublisher[" + ((this.node != null) ? this.node.settings().name() : "unattached") + "]";
	}

}
