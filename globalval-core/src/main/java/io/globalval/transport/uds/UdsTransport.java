package io.globalval.transport.uds;

import java.io.IOException;

import io.globalval.core.MasterHandler;
import io.globalval.core.NodeSettings;
import io.globalval.core.Transport;
import io.globalval.core.WorkerHandler;

/**
 * The Unix-domain-socket transport: the master listens on
 * {@code <directory>/master.sock}, workers connect to it.
 */
public final class UdsTransport implements Transport {

	@Override
	public AutoCloseable serve(NodeSettings settings, MasterHandler master) throws IOException {
		return UdsMasterServer.start(settings, master);
	}

	@Override
	public AutoCloseable connect(NodeSettings settings, WorkerHandler worker) {
		return UdsWorkerClient.start(settings, worker);
	}

	@Override
	public String address(NodeSettings settings) {
		return settings.socketFile().toString();
	}

}
