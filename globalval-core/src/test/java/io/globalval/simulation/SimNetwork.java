package io.globalval.simulation;

import java.util.ArrayList;
import java.util.List;

import io.globalval.core.MasterHandler;
import io.globalval.core.Peer;
import io.globalval.core.WorkerHandler;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.protocol.ProtocolException;

/**
 * The group's sockets. A master that serves is "bound"; a worker connects to whoever is
 * bound. Each connection is two FIFO directions whose frames arrive after delays the
 * seed decides (never overtaking each other), decoded by the real codec. A closed side
 * stops sending; the other side reads what was already in flight, then the end of the
 * stream. A cut loses what was in flight both ways; a crashed process's frames still
 * arrive (the kernel holds them) but for those of its last moments, which it had queued
 * and not yet written when it died, cut at a point of its own for each connection; frames
 * to it are lost.
 */
final class SimNetwork {

	private final Simulation simulation;

	private final List<Connection> connections = new ArrayList<>();

	private Incarnation boundBy;

	private MasterHandler bound;

	private int nextConnectionId;

	SimNetwork(Simulation simulation) {
		this.simulation = simulation;
	}

	void bind(Incarnation incarnation, MasterHandler master) {
		this.boundBy = incarnation;
		this.bound = master;
	}

	void unbind(Incarnation incarnation) {
		if (this.boundBy == incarnation) {
			this.boundBy = null;
			this.bound = null;
		}
		for (Connection connection : new ArrayList<>(this.connections)) {
			if (connection.server == incarnation) {
				connection.serverSide.close("master stopping");
			}
		}
	}

	/**
	 * Connect a worker to the bound master.
	 * @return the connection, or {@code null} if no live master is bound
	 */
	Connection connect(Incarnation client, WorkerHandler worker, Runnable onEnd) {
		if (this.boundBy == null || !this.boundBy.alive || this.boundBy == client) {
			return null;
		}
		Connection connection = new Connection(++this.nextConnectionId, client, worker, this.boundBy, this.bound,
				onEnd);
		this.connections.add(connection);
		return connection;
	}

	List<Connection> connections() {
		return this.connections;
	}

	/** A process died: its sides close; the other sides read what it had sent, then the end. */
	void crashed(Incarnation incarnation) {
		for (Connection connection : new ArrayList<>(this.connections)) {
			if (connection.client == incarnation) {
				connection.clientSide.loseUnwritten();
				connection.clientSide.closedSilently();
				connection.serverSide.endAfterInFlight("worker " + incarnation + " died");
			}
			else if (connection.server == incarnation) {
				connection.serverSide.loseUnwritten();
				connection.serverSide.closedSilently();
				connection.clientSide.endAfterInFlight("master " + incarnation + " died");
			}
		}
		if (this.boundBy == incarnation) {
			this.boundBy = null;
			this.bound = null;
		}
	}

	/** One connection between a worker and the master. */
	final class Connection {

		final int id;

		final Incarnation client;

		final Incarnation server;

		final Side clientSide;

		final Side serverSide;

		/** Frames in flight before this generation are lost (a cut). */
		int generation;

		Connection(int id, Incarnation client, WorkerHandler worker, Incarnation server, MasterHandler master,
				Runnable onClientEnd) {
			this.id = id;
			this.client = client;
			this.server = server;
			this.clientSide = new Side(this, client, true, worker, null, onClientEnd);
			this.serverSide = new Side(this, server, false, null, master, null);
			this.clientSide.other = this.serverSide;
			this.serverSide.other = this.clientSide;
		}

		/** Lose what is in flight both ways; each side learns of it after a moment. */
		void cut() {
			this.generation++;
			SimNetwork.this.simulation.trace("cut connection " + this.id + " (" + this.client + " - " + this.server + ")");
			this.clientSide.endAfterInFlight("connection cut");
			this.serverSide.endAfterInFlight("connection cut");
		}

		boolean isOpen() {
			return !this.clientSide.ended || !this.serverSide.ended;
		}

		@Override
		public String toString() {
			return "connection " + this.id + " (" + this.client + " - " + this.server + ")";
		}

	}

	/**
	 * One end of a connection: the {@link Peer} its process sends to, and the reader that
	 * hands it what the other end sent.
	 */
	final class Side implements Peer {

		private final Connection connection;

		private final Incarnation owner;

		private final boolean client;

		private final WorkerHandler worker;

		private final MasterHandler master;

		private final Runnable onEnd;

		Side other;

		/** This side no longer sends. */
		boolean closed;

		/** This side's reader has seen the end and told its handler. */
		boolean ended;

		/** When the last frame sent from this side arrives, to keep the direction FIFO. */
		private long lastArrival;

		/** Frames sent from this side and not yet delivered, with their send times. */
		private final java.util.ArrayDeque<long[]> sendTimes = new java.util.ArrayDeque<>();

		private final java.util.ArrayDeque<SimScheduler.Event> inFlight = new java.util.ArrayDeque<>();

		Side(Connection connection, Incarnation owner, boolean client, WorkerHandler worker, MasterHandler master,
				Runnable onEnd) {
			this.connection = connection;
			this.owner = owner;
			this.client = client;
			this.worker = worker;
			this.master = master;
			this.onEnd = onEnd;
		}

		@Override
		public void send(byte[] frame) {
			if (this.closed) {
				return;
			}
			Simulation simulation = SimNetwork.this.simulation;
			long arrival = Math.max(simulation.scheduler.now() + simulation.networkDelay(), this.lastArrival);
			this.lastArrival = arrival;
			int generation = this.connection.generation;
			Side receiver = this.other;
			simulation.bytesSent += frame.length;
			long now = simulation.scheduler.now();
			while (!this.inFlight.isEmpty() && this.sendTimes.peekFirst()[1] <= now) {
				this.inFlight.pollFirst();
				this.sendTimes.pollFirst();
			}
			this.inFlight.add(simulation.scheduler.at(arrival, receiver.owner, "deliver",
					() -> receiver.receive(frame, generation)));
			this.sendTimes.add(new long[] { now, arrival });
		}

		/**
		 * This side's process dies: the frames it sent in its last moments (up to 2 ms,
		 * chosen per connection) had not left the process and are lost.
		 */
		void loseUnwritten() {
			Simulation simulation = SimNetwork.this.simulation;
			if (!simulation.options.unwritten()) {
				return;
			}
			long cutoff = simulation.scheduler.now() - simulation.random.nextInt(2_000_000);
			java.util.Iterator<SimScheduler.Event> events = this.inFlight.iterator();
			java.util.Iterator<long[]> times = this.sendTimes.iterator();
			while (events.hasNext()) {
				SimScheduler.Event event = events.next();
				if (times.next()[0] >= cutoff) {
					event.cancel();
				}
			}
		}

		private void receive(byte[] frame, int generation) {
			if (this.ended || generation != this.connection.generation) {
				return;
			}
			Message message;
			try {
				message = FrameCodec.decode(frame);
			}
			catch (ProtocolException ex) {
				SimNetwork.this.simulation.engineFailure("a frame on " + this.connection + " did not decode", ex);
				return;
			}
			try {
				if (this.client) {
					this.worker.received(message);
					// each frame arrives alone here: the end of a batch of one
					this.worker.endOfBatch();
				}
				else {
					this.master.received(this, message);
				}
			}
			catch (ProtocolException ex) {
				SimNetwork.this.simulation.trace(this.owner + " refused a frame on " + this.connection + ": "
						+ ex.getMessage());
				close(ex.getMessage());
			}
		}

		@Override
		public void sendAndClose(byte[] frame, String reason) {
			send(frame);
			close(reason);
		}

		@Override
		public void close(String reason) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			end(reason);
			this.other.endAfterInFlight("closed by the other end: " + reason);
		}

		/** This side's process is gone: it sends nothing more and hears nothing. */
		void closedSilently() {
			this.closed = true;
			this.ended = true;
		}

		/** The end of the stream reaches this side after what the other side sent. */
		void endAfterInFlight(String reason) {
			Simulation simulation = SimNetwork.this.simulation;
			long at = Math.max(simulation.scheduler.now() + simulation.networkDelay(), this.other.lastArrival);
			simulation.scheduler.at(at, this.owner, "end of stream", () -> {
				this.closed = true;
				end(reason);
			});
		}

		private void end(String reason) {
			if (this.ended) {
				return;
			}
			this.ended = true;
			if (this.client) {
				this.worker.disconnected(reason);
				if (this.onEnd != null) {
					this.onEnd.run();
				}
			}
			else {
				this.master.disconnected(this, reason);
			}
		}

		@Override
		public String describe() {
			return (this.client ? "master " + this.connection.server : "worker " + this.connection.client) + " on "
					+ this.connection;
		}

		@Override
		public int hashCode() {
			// identity hash codes would make the order of hash-based iterations differ between runs
			return this.connection.id * 2 + (this.client ? 1 : 0);
		}

		@Override
		public boolean equals(Object other) {
			return this == other;
		}

		@Override
		public String toString() {
			return describe();
		}

	}

}
