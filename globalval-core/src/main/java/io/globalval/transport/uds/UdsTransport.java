package io.globalval.transport.uds;

import java.io.IOException;
import java.nio.file.Path;

import io.globalval.core.GroupLock;
import io.globalval.core.MasterHandler;
import io.globalval.core.MasterLock;
import io.globalval.core.NodeSettings;
import io.globalval.core.Transport;
import io.globalval.core.WorkerHandler;

/**
 * The Unix-domain-socket transport: the master listens on
 * {@code <directory>/master.sock} ({@link #socketFile(NodeSettings)}), workers connect to
 * it. It needs no settings of its own: the node's directory is the place.
 */
public final class UdsTransport implements Transport {

	/** Name of the master's socket file, in the node's directory. */
	public static final String SOCKET_FILE = "master.sock";

	/**
	 * Return the path of the master's socket.
	 * @param settings the node's settings
	 * @return the socket file, in the node's directory
	 */
	public static Path socketFile(NodeSettings settings) {
		return settings.directory().resolve(SOCKET_FILE);
	}

	@Override
	public AutoCloseable serve(NodeSettings settings, MasterHandler master) throws IOException {
		return UdsMasterServer.start(settings, master, null);
	}

	@Override
	public AutoCloseable serve(NodeSettings settings, MasterHandler master, GroupLock lock) throws IOException {
		return UdsMasterServer.start(settings, master, (lock instanceof MasterLock held) ? held : null);
	}

	@Override
	public AutoCloseable connect(NodeSettings settings, WorkerHandler worker) {
		return UdsWorkerClient.start(settings, worker);
	}

	@Override
	public String address(NodeSettings settings) {
		return socketFile(settings).toString();
	}

}
