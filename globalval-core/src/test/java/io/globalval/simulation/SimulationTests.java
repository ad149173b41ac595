package io.globalval.simulation;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the seeded simulation of a whole group as part of the build, and prints one line
 * {@code simulation: <seeds> seeds, <failures> failures}. A failure prints the seed and
 * the trace of its replay; {@code SimulationRunner} replays any seed (README, "Testing
 * the engine").
 */
class SimulationTests {

	/** Seeds every build runs; more with {@code SimulationRunner}. */
	static final int SEEDS = Integer.getInteger("globalval.simulation.seeds", 2000);

	private static Level previous;

	@BeforeAll
	static void quietEngineLogs() {
		// thousands of simulated failovers would log millions of lines; the trace tells what happened
		Logger logger = (Logger) LoggerFactory.getLogger("io.globalval");
		previous = logger.getLevel();
		logger.setLevel(Level.OFF);
	}

	@AfterAll
	static void restoreEngineLogs() {
		((Logger) LoggerFactory.getLogger("io.globalval")).setLevel(previous);
	}

	@Test
	void seededRunsKeepEveryInvariantAndAnAcceptableHistory() {
		SimulationRunner.Summary summary = SimulationRunner.run(1, SEEDS, SimulationOptions.continuousIntegration());
		summary.print(System.out);
		assertThat(summary.failures()).as("failed seeds (the first one's trace is printed above)").isZero();
	}

	@Test
	void aSeedReplaysStepForStep() {
		SimulationOptions options = SimulationOptions.continuousIntegration().withTrace();
		SimulationResult first = new Simulation(42, options).run();
		SimulationResult second = new Simulation(42, options).run();
		assertThat(second.trace()).isEqualTo(first.trace());
		assertThat(second.steps()).isEqualTo(first.steps());
		assertThat(first.operations()).isGreaterThan(100);
		assertThat(first.faults()).isPositive();
	}

}
