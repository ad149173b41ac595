package io.globalval.simulation;

import io.globalval.core.MasterHandler;
import io.globalval.core.NodeSettings;
import io.globalval.core.Transport;
import io.globalval.core.WorkerHandler;
import io.globalval.protocol.FrameCodec;

/**
 * The {@link Transport} of one simulated incarnation, on the {@link SimNetwork}. The
 * worker's side behaves like the production client: before each attempt it reports that
 * the master is unreachable (the node may take over), connects, says hello, and after
 * the connection ends connects again with the same growing backoff.
 */
final class SimTransport implements Transport {

	private static final long MIN_BACKOFF_NANOS = 20_000_000L;

	private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

	private final Simulation simulation;

	private final Incarnation incarnation;

	SimTransport(Simulation simulation, Incarnation incarnation) {
		this.simulation = simulation;
		this.incarnation = incarnation;
	}

	@Override
	public AutoCloseable serve(NodeSettings settings, MasterHandler master) {
		this.simulation.network.bind(this.incarnation, master);
		this.simulation.trace(this.incarnation + " serves");
		return () -> this.simulation.network.unbind(this.incarnation);
	}

	@Override
	public AutoCloseable connect(NodeSettings settings, WorkerHandler worker) {
		Client client = new Client(worker);
		this.simulation.scheduler.after(0, this.incarnation, "connect", client::attempt);
		return client;
	}

	@Override
	public String address(NodeSettings settings) {
		return "sim:" + settings.name();
	}

	private final class Client implements AutoCloseable {

		private final WorkerHandler worker;

		private long backoff = MIN_BACKOFF_NANOS;

		private SimNetwork.Connection connection;

		private boolean closed;

		Client(WorkerHandler worker) {
			this.worker = worker;
		}

		void attempt() {
			if (this.closed || !this.worker.keepConnecting()) {
				return;
			}
			if (this.worker.masterUnreachable()) {
				this.closed = true;
				return;
			}
			Simulation simulation = SimTransport.this.simulation;
			SimNetwork.Connection opened = simulation.network.connect(SimTransport.this.incarnation, this.worker,
					this::ended);
			if (opened == null) {
				simulation.scheduler.after(this.backoff, SimTransport.this.incarnation, "reconnect", this::attempt);
				this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_NANOS);
				return;
			}
			this.backoff = MIN_BACKOFF_NANOS;
			this.connection = opened;
			simulation.trace(SimTransport.this.incarnation + " connected to " + opened.server + " (" + opened + ")");
			opened.clientSide.send(FrameCodec.encode(this.worker.hello()));
			this.worker.connected(opened.clientSide);
		}

		private void ended() {
			this.connection = null;
			if (!this.closed) {
				SimTransport.this.simulation.scheduler.after(0, SimTransport.this.incarnation, "reconnect",
						this::attempt);
			}
		}

		@Override
		public void close() {
			this.closed = true;
			if (this.connection != null) {
				this.connection.clientSide.close("worker stopping");
			}
		}

	}

}
