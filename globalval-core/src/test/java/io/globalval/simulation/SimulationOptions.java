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
 * @param crashOrPause whether a run has either crashes or pauses, not both (the seed
 * chooses which)
 * @param unwritten whether a process that crashes loses the frames of its last moments
 * (queued, not yet written to its sockets), a different cut for each connection;
 * without it a process dies between two of its steps, with all it sent on its way
 * @param diskFaults whether, in runs with persistence, the disk fails for a while:
 * forces fail, or appends find it full
 */
record SimulationOptions(Duration workload, Duration quiesce, boolean crashes, boolean pauses, boolean cuts,
		boolean powerLoss, boolean persistence, boolean trace, boolean crashOrPause, boolean unwritten,
		boolean diskFaults) {

	/** Every fault. */
	static SimulationOptions all() {
		return new SimulationOptions(Duration.ofSeconds(4), Duration.ofSeconds(12), true, true, true, true, true, false,
				false, true, true);
	}

	/**
	 * The faults every build runs with: all of them, in every run (crashes and restarts of
	 * any process, pauses, a worker that is ahead paused at the instant the master dies,
	 * cut connections, power losses, a dying process losing the frames of its last
	 * moments, failed forces and a full disk).
	 * @return the options
	 */
	static SimulationOptions continuousIntegration() {
		return all();
	}

	/**
	 * Return the options of one run: with {@link #crashOrPause()}, those of a run with
	 * crashes (odd seeds) or with pauses (even seeds).
	 * @param seed the run's seed
	 * @return the options
	 */
	SimulationOptions forSeed(long seed) {
		if (!this.crashOrPause) {
			return this;
		}
		boolean crashing = (seed & 1) == 1;
		return new SimulationOptions(this.workload, this.quiesce, crashing, !crashing, this.cuts,
				crashing && this.powerLoss, this.persistence, this.trace, false, this.unwritten, this.diskFaults);
	}

	SimulationOptions withTrace() {
		return new SimulationOptions(this.workload, this.quiesce, this.crashes, this.pauses, this.cuts, this.powerLoss,
				this.persistence, true, this.crashOrPause, this.unwritten, this.diskFaults);
	}

	SimulationOptions with(String faults) {
		return new SimulationOptions(this.workload, this.quiesce, faults.contains("crash"), faults.contains("pause"),
				faults.contains("cut"), faults.contains("power"), faults.contains("persist") || faults.contains("power"),
				this.trace, faults.contains("crash-or-pause"), faults.contains("unwritten"), faults.contains("disk"));
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
			faults.append("persist ");
		}
		if (this.crashOrPause) {
			faults.append("crash-or-pause ");
		}
		if (this.unwritten) {
			faults.append("unwritten ");
		}
		if (this.diskFaults) {
			faults.append("disk");
		}
		return faults.toString().trim();
	}

}
