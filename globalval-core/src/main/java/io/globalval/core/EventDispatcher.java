package io.globalval.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link ChangeListener}s on one dedicated thread, in the order events were
 * submitted (revision order, since only the applying thread submits). Nothing is queued
 * while there are no listeners.
 */
final class EventDispatcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EventDispatcher.class);

	private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();

	private final LinkedBlockingQueue<Consumer<ChangeListener>> queue = new LinkedBlockingQueue<>();

	private final Thread thread;

	private volatile boolean closed;

	EventDispatcher(String name) {
		this.thread = new Thread(this::run, "globalval-events-" + name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	void addListener(ChangeListener listener) {
		this.listeners.add(listener);
	}

	void removeListener(ChangeListener listener) {
		this.listeners.remove(listener);
	}

	boolean hasListeners() {
		return !this.listeners.isEmpty();
	}

	void dispatch(Consumer<ChangeListener> call) {
		if (!this.listeners.isEmpty() && !this.closed) {
			this.queue.add(call);
		}
	}

	private void run() {
		try {
			while (!this.closed || !this.queue.isEmpty()) {
				Consumer<ChangeListener> call = this.queue.take();
				for (ChangeListener listener : this.listeners) {
					try {
						call.accept(listener);
					}
					catch (RuntimeException ex) {
						logger.warn("Listener {} failed; skipped it for this event", listener, ex);
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Deliver what is queued (waiting at most a moment), then stop.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.queue.add((listener) -> {
		});
		try {
			this.thread.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.thread.interrupt();
	}

}
