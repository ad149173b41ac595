package io.globalval.simulation;

/**
 * A simulated process of the group: a name, a pid, and its incarnations one after the
 * other.
 */
final class SimProcess {

	final int index;

	final String name;

	final long pid;

	Incarnation current;

	int incarnations;

	SimProcess(int index) {
		this.index = index;
		this.name = "p" + index;
		this.pid = 1000 + index;
	}

	boolean isUp() {
		return this.current != null && this.current.alive;
	}

	Incarnation newIncarnation() {
		this.current = new Incarnation(this, ++this.incarnations);
		return this.current;
	}

}
