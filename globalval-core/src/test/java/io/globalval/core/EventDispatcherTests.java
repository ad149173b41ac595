package io.globalval.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

/**
 * The listeners' event queue on real threads: it never makes the applying thread wait,
 * however slow a listener, and its depth is a gauge of the node's metrics.
 */
class EventDispatcherTests {

	private static final int EVENTS = 50_000;

	private final NodeMetrics metrics = new NodeMetrics();

	private final EventDispatcher dispatcher = new EventDispatcher(EngineRuntime.system(), "dispatcher-test",
			this.metrics);

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicInteger delivered = new AtomicInteger();

	@AfterEach
	void close() {
		this.release.countDown();
		this.dispatcher.close();
	}

	@Test
	void blockedListenerNeverMakesTheDispatchingThreadWaitAndItsBacklogIsAGauge() throws Exception {
		CountDownLatch blocked = new CountDownLatch(1);
		this.dispatcher.addListener((event) -> {
		});
		this.dispatcher.dispatch((listener) -> {
			blocked.countDown();
			try {
				// a listener waiting for something, say its own write, that comes after these events
				this.release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < EVENTS; i++) {
			this.dispatcher.dispatch((listener) -> this.delivered.incrementAndGet());
		}
		assertThat(this.metrics.eventsQueued()).isEqualTo(EVENTS);
		this.release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.delivered.get() == EVENTS);
		assertThat(this.metrics.eventsQueued()).isZero();
	}

	@Test
	void heldEventsAreDeliveredInOrderOnceReleasedAndAFailingListenerSkipsOnlyOneEvent() {
		List<String> heard = new CopyOnWriteArrayList<>();
		this.dispatcher.addListener((event) -> {
		});
		for (int i = 1; i <= 3; i++) {
			int n = i;
			this.dispatcher.hold((listener) -> {
				if (n == 2) {
					throw new IllegalStateException("listener failed on event 2");
				}
				heard.add("event " + n);
			});
		}
		this.dispatcher.dispatch((listener) -> heard.add("not held"));
		await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("not held"));
		assertThat(heard).containsExactly("not held");
		assertThat(this.metrics.eventsQueued()).isZero();
		this.dispatcher.release();
		await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 3);
		assertThat(heard).containsExactly("not held", "event 1", "event 3");
		assertThat(this.metrics.eventsQueued()).isZero();
	}

}
