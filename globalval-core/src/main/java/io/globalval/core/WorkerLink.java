package io.globalval.core;

import java.util.ArrayList;

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

	/** The frames the sequencer appended since its last flush; its thread only. */
	private final ArrayList<byte[]> corkedFrames = new ArrayList<>();

	WorkerLink(Peer peer, long nodeId, String name, long pid) {
		this.peer = peer;
		this.nodeId = nodeId;
		this.name = name;
		this.pid = pid;
	}

	void send(byte[] frame) {
		this.peer.send(frame);
	}

	/**
	 * Keep a frame until {@link #flush()}, which hands every frame kept to the connection
	 * at once. The sequencer's thread only.
	 * @return whether it is the first frame kept since the last flush
	 */
	boolean append(byte[] frame) {
		this.corkedFrames.add(frame);
		return this.corkedFrames.size() == 1;
	}

	/** Write what {@link #append} kept. The sequencer's thread only. */
	void flush() {
		if (this.corkedFrames.isEmpty()) {
			this.peer.flush();
			return;
		}
		this.peer.sendAll(this.corkedFrames);
		this.corkedFrames.clear();
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
