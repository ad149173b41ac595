package io.globalval.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link ChangeListener}s in the order events were submitted (revision order, since
 * only the applying thread submits), on a runner of the node's runtime: a dedicated
 * thread in production, never the replication thread. Nothing is queued while there are
 * no listeners.
 * <p>
 * The queue is unbounded on purpose, and its depth is a gauge
 * ({@link NodeMetrics#eventsQueued()}) instead: a listener may write and wait for the
 * write ({@code set(...).join()}) on the event thread, and the write is applied by the
 * thread that feeds this queue (the worker's reader, the master's sequencer). Were that
 * thread to wait for room here, neither could go on. A slow listener therefore costs
 * memory, which the gauge shows, never replication.
 */
final class EventDispatcher implements AutoCloseable, CommandHandler<Consumer<ChangeListener>> {

	private static final Logger logger = LoggerFactory.getLogger(EventDispatcher.class);

	private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();

	private final CommandRunner<Consumer<ChangeListener>> runner;

	private volatile boolean closed;

	EventDispatcher(EngineRuntime runtime, String name) {
		this.runner = runtime.unboundedRunner("events-" + name, this);
	}

	/**
	 * Create a dispatcher whose queue depth the node's metrics show.
	 * @param runtime the runtime that runs the listeners
	 * @param name the node's name, for the thread's name
	 * @param metrics the metrics that read the queue depth
	 */
	EventDispatcher(EngineRuntime runtime, String name, NodeMetrics metrics) {
		this(runtime, name);
		metrics.trackEventQueue(this::queued);
	}

	/**
	 * Return how many events wait to be delivered.
	 * @return the events queued
	 */
	int queued() {
		return this.runner.queued();
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
			this.runner.submit(call);
		}
	}

	@Override
	public void process(Consumer<ChangeListener> call) {
		for (ChangeListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("Listener {} failed; skipped it for this event", listener, ex);
			}
		}
	}

	/**
	 * Deliver what is queued (waiting at most a moment), then stop.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.runner.close();
	}

}
