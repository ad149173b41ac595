package io.globalval.core;

/**
 * The master's view of one connected worker.
 */
final class WorkerLink {

	final Peer peer;

	final long nodeId;

	final String name;

	final long pid;

	volatile long reportedRevision;

	volatile long revisionsBehind;

	volatile long lagNanos;

	/** Whether the master asked this worker for the changes it is ahead with. */
	volatile boolean adopting;

	/**
	 * Whether the connection ended: its writes still queued for the sequencer are skipped
	 * (the worker sends every unanswered write again on its next connection), so that a
	 * connection that keeps breaking does not bury the master in writes nobody can hear
	 * the answers to.
	 */
	volatile boolean gone;

	/** Whether the sequencer appended frames it has not flushed yet; its thread only. */
	boolean corked;

	WorkerLink(Peer peer, long nodeId, String name, long pid) {
		this.peer = peer;
		this.nodeId = nodeId;
		this.name = name;
		this.pid = pid;
	}

	void send(byte[] frame) {
		this.peer.send(frame);
	}

	/** Queue a frame without writing it, until {@link #flush()}. */
	void append(byte[] frame) {
		this.peer.append(frame);
	}

	/** Write what {@link #append} queued. */
	void flush() {
		this.peer.flush();
	}

	WorkerStatus status() {
		return new WorkerStatus(this.nodeId, this.name, this.pid, this.reportedRevision, this.revisionsBehind,
				this.lagNanos);
	}

	@Override
	public String toString() {
		return this.name + " (node " + this.nodeId + ", pid " + this.pid + ")";
	}

}
