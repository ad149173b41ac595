package io.globalval.core;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue gauges of a node's metrics: read from what is tracked when asked, 0 without.
 */
class NodeMetricsTests {

	@Test
	void queueDepthsReadWhatIsTrackedAndZeroWithoutIt() {
		NodeMetrics metrics = new NodeMetrics();
		assertThat(metrics.commandsQueued()).isZero();
		assertThat(metrics.eventsQueued()).isZero();
		AtomicInteger commands = new AtomicInteger(3);
		metrics.trackCommandQueue(commands::get);
		metrics.trackEventQueue(() -> 5);
		commands.set(7);
		assertThat(metrics.commandsQueued()).isEqualTo(7);
		assertThat(metrics.eventsQueued()).isEqualTo(5);
		metrics.trackCommandQueue(null);
		assertThat(metrics.commandsQueued()).isZero();
	}

}
