package io.globalval.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>
 * Held events: the thread that applies a burst of changes (a worker's reader, with every
 * change of one read) may {@link #hold} their events and {@link #release} them together
 * when the burst ends, so that the event thread is woken once per burst instead of once
 * per change. They are delivered in the same order, by the same thread, with each
 * listener's failure isolated per event as before.
 */
final class EventDispatcher implements AutoCloseable, CommandHandler<Consumer<ChangeListener>> {

	private static final Logger logger = LoggerFactory.getLogger(EventDispatcher.class);

	private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();

	private final CommandRunner<Consumer<ChangeListener>> runner;

	/** Events held by the applying thread until {@link #release}; that thread only. */
	private List<Consumer<ChangeListener>> held = new ArrayList<>();

	/** Events submitted to the runner and not yet delivered, held ones counted one by one. */
	private final AtomicInteger waiting = new AtomicInteger();

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
		return this.waiting.get();
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
			this.waiting.incrementAndGet();
			this.runner.submit(call);
		}
	}

	/**
	 * Keep an event until {@link #release()}: for the applying thread only, which must
	 * release before it dispatches anything else and before it waits for more changes.
	 * @param call the event
	 */
	void hold(Consumer<ChangeListener> call) {
		if (!this.listeners.isEmpty() && !this.closed) {
			this.held.add(call);
		}
	}

	/**
	 * Hand the events held so far to the event thread, as one hand-off. Applying thread only.
	 */
	void release() {
		int count = this.held.size();
		if (count == 0) {
			return;
		}
		Consumer<ChangeListener> handOff;
		if (count == 1) {
			handOff = this.held.get(0);
			this.held.clear();
		}
		else {
			handOff = new HeldEvents(this.held);
			// sized for a burst like this one, so that the next does not grow it step by step
			this.held = new ArrayList<>(count);
		}
		this.waiting.addAndGet(count);
		this.runner.submit(handOff);
	}

	@Override
	public void process(Consumer<ChangeListener> call) {
		if (call instanceof HeldEvents events) {
			for (Consumer<ChangeListener> event : events.calls()) {
				this.waiting.decrementAndGet();
				deliver(event);
			}
		}
		else {
			this.waiting.decrementAndGet();
			deliver(call);
		}
	}

	@Override
	public void rejected(Consumer<ChangeListener> call, String reason) {
		this.waiting.addAndGet((call instanceof HeldEvents events) ? -events.calls().size() : -1);
	}

	private void deliver(Consumer<ChangeListener> call) {
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

	/**
	 * Events released together: delivered one after the other, each to every listener.
	 * @param calls the events, in order
	 */
	private record HeldEvents(List<Consumer<ChangeListener>> calls) implements Consumer<ChangeListener> {

		@Override
		public void accept(ChangeListener listener) {
			throw new UnsupportedOperationException("delivered event by event by the dispatcher");
		}

	}

}
