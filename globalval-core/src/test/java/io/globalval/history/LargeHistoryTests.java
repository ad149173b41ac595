package io.globalval.history;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that a history of a million operations is checked in seconds.
 */
class LargeHistoryTests {

	private static final int OPERATIONS = 1_000_000;

	@Test
	void millionOperationHistoryIsCheckedInSeconds() {
		History history = RandomHistoryGenerator.generate(42, OPERATIONS);
		long start = System.nanoTime();
		List<Anomaly> anomalies = HistoryChecker.check(history);
		long millis = (System.nanoTime() - start) / 1_000_000;
		System.out.println("Checked " + OPERATIONS + " operations in " + millis + " ms");
		assertThat(anomalies).isEmpty();
	}

}
