package io.globalval.simulation;

import java.util.ArrayList;
import java.util.List;

import io.globalval.core.DefaultGlobalValNode;

/**
 * One life of a simulated process: from its start to its crash (or the end of the run).
 * A restarted process is a new incarnation with a new node, on the same disk.
 */
final class Incarnation {

	final SimProcess process;

	final int number;

	final String name;

	boolean alive = true;

	/** The revision of its replica when it died: changes it applied whose events it never delivered count too. */
	long revisionAtDeath;

	boolean paused;

	final List<SimScheduler.Event> deferred = new ArrayList<>();

	DefaultGlobalValNode node;

	final NodeLog log;

	/** The runtime of this incarnation, which numbers its writes (so the number of the next one is known). */
	SimRuntime runtime;

	Incarnation(SimProcess process, int number) {
		this.process = process;
		this.number = number;
		this.name = process.name + "#" + number;
		this.log = new NodeLog(this.name);
	}

	@Override
	public String toString() {
		return this.name;
	}

}
