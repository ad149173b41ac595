package io.globalval.simulation;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The simulated clock and the one queue of everything that will happen: message
 * deliveries, timer ticks, runner batches, client operations and faults, each at a
 * simulated time. Ties are broken by the order of scheduling, so that a run depends on
 * its seed alone. An event belongs to a process incarnation (or to nobody): the event of
 * a dead incarnation is dropped, the event of a paused one waits until it resumes.
 */
final class SimScheduler {

	private final PriorityQueue<Event> queue = new PriorityQueue<>(
			Comparator.comparingLong((Event event) -> event.time).thenComparingLong((event) -> event.order));

	private long now;

	private long order;

	private long executed;

	long now() {
		return this.now;
	}

	long executed() {
		return this.executed;
	}

	Event at(long time, Incarnation owner, String label, Runnable action) {
		Event event = new Event(Math.max(time, this.now), this.order++, owner, label, action);
		this.queue.add(event);
		return event;
	}

	Event after(long delayNanos, Incarnation owner, String label, Runnable action) {
		return at(this.now + Math.max(0, delayNanos), owner, label, action);
	}

	/**
	 * Run the next event, if it is due by a time.
	 * @param until the last time to run events at
	 * @return whether an event was taken (run, dropped or deferred)
	 */
	boolean step(long until) {
		Event event = this.queue.peek();
		if (event == null || event.time > until) {
			return false;
		}
		this.queue.poll();
		if (event.cancelled) {
			return true;
		}
		if (event.owner != null && !event.owner.alive) {
			return true;
		}
		this.now = event.time;
		if (event.owner != null && event.owner.paused) {
			event.owner.deferred.add(event);
			return true;
		}
		this.executed++;
		event.action.run();
		return true;
	}

	/** Put the events a paused incarnation could not run back in the queue, in their order. */
	void resume(Incarnation owner) {
		for (Event event : owner.deferred) {
			event.time = this.now;
			this.queue.add(event);
		}
		owner.deferred.clear();
	}

	void advanceTo(long time) {
		this.now = Math.max(this.now, time);
	}

	/** Something that happens at a simulated time. */
	static final class Event {

		long time;

		final long order;

		final Incarnation owner;

		final String label;

		final Runnable action;

		boolean cancelled;

		Event(long time, long order, Incarnation owner, String label, Runnable action) {
			this.time = time;
			this.order = order;
			this.owner = owner;
			this.label = label;
			this.action = action;
		}

		void cancel() {
			this.cancelled = true;
		}

	}

}
