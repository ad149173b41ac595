package io.globalval.simulation;

import java.time.Duration;

/**
 * What a simulation run may do: how long the workload runs, how long the group then gets
 * to heal, and which faults the seed may choose.
 *
 * @param workload how long clients issue operations and faults strike
 * @param quiesce how long the healed group then runs before the final checks
 * @param crashes whether processes (the master among them) crash and restart
 * @param pauses whether processes are paused (as by SIGSTOP) and resumed
 * @param cuts whether connections are cut
 * @param powerLoss whether the whole host loses power (all processes die; unforced disk
 * writes are lost or torn), only in runs with persistence and {@code fsync=always}
 * @param persistence whether some runs keep changes on a disk
 * @param trace whether to keep a readable trace of every step
 */
record SimulationOptions(Duration workload, Duration quiesce, boolean crashes, boolean pauses, boolean cuts,
		boolean powerLoss, boolean persistence, boolean trace) {

	/** Every fault. */
	static SimulationOptions all() {
		return new SimulationOptions(Duration.ofSeconds(4), Duration.ofSeconds(12), true, true, true, true, true, false);
	}

	SimulationOptions withTrace() {
		return new SimulationOptions(this.workload, this.quiesce, this.crashes, this.pauses, this.cuts, this.powerLoss,
				this.persistence, true);
	}

	SimulationOptions withoutPauses() {
		return new SimulationOptions(this.workload, this.quiesce, this.crashes, false, this.cuts, this.powerLoss,
				this.persistence, this.trace);
	}

	SimulationOptions with(String faults) {
		return new SimulationOptions(this.workload, this.quiesce, faults.contains("crash"), faults.contains("pause"),
				faults.contains("cut"), faults.contains("power"), faults.contains("persist") || faults.contains("power"),
				this.trace);
	}

	String describe() {
		StringBuilder faults = new StringBuilder();
		if (this.crashes) {
			faults.append("crash ");
		}
		if (this.pauses) {
			faults.append("pause ");
		}
		if (this.cuts) {
			faults.append("cut ");
		}
		if (this.powerLoss) {
			faults.append("power ");
		}
		if (this.persistence) {
			faults.append("persist");
		}
		return faults.toString().trim();
	}

}
