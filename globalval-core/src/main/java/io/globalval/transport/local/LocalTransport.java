package io.globalval.transport.local;

import io.globalval.core.MasterHandler;
import io.globalval.core.NodeSettings;
import io.globalval.core.Transport;
import io.globalval.core.WorkerHandler;

/**
 * The transport of a node that is alone in its process: it serves no one and connects
 * to no one, so no socket, port, lock file or directory is created. The node is the
 * master of a group of one, with the same API, ordering, revisions and events as on the
 * other transports; nothing is shared with any other process.
 * <p>
 * Start such a node with {@link io.globalval.GlobalValNodes.Builder#local()}, which also
 * keeps the master lock in memory (a node given this transport through
 * {@code transport(new LocalTransport())} is started the same way). Its role must be
 * {@code auto} or {@code master}: there is no master to connect to. Values live as long as
 * the node, unless persistence is configured, which writes its files as on any other
 * transport.
 */
public final class LocalTransport implements Transport {

	/**
	 * Serve no one: no other process can reach this node.
	 * @param settings the settings
	 * @param master the master, never called
	 * @return a handle whose closing does nothing
	 */
	@Override
	public AutoCloseable serve(NodeSettings settings, MasterHandler master) {
		return () -> {
		};
	}

	/**
	 * Refuse: a local node is always its own master.
	 * @param settings the settings
	 * @param worker the worker
	 * @return never
	 * @throws UnsupportedOperationException always
	 */
	@Override
	public AutoCloseable connect(NodeSettings settings, WorkerHandler worker) {
		throw new UnsupportedOperationException(("The local transport has no master to connect to, so '%s' cannot "
				+ "be a worker; use role auto or master").formatted(settings.name()));
	}

	/**
	 * Return {@code local:<name>}, for logs and health details.
	 * @param settings the settings
	 * @return the address
	 */
	@Override
	public String address(NodeSettings settings) {
		return "local:" + settings.name();
	}

}
