package io.globalval.core;

import java.io.IOException;

/**
 * How nodes reach each other: a master serves, a worker connects. Implemented by the
 * Unix-socket transport and the TCP transport, each with its own settings beside the
 * node's {@link NodeSettings}; the core depends only on this, and
 * {@link io.globalval.GlobalValNodes} starts a node on one. A transport decides which peers may connect at all; the core
 * then checks what they send.
 */
public interface Transport {

	/**
	 * Start serving workers. The caller holds the master lock.
	 * @param settings the settings
	 * @param master receives what workers send
	 * @return what stops serving when closed
	 * @throws IOException if the transport cannot listen
	 */
	AutoCloseable serve(NodeSettings settings, MasterHandler master) throws IOException;

	/**
	 * Start serving workers, given the master lock the caller holds, so that a transport
	 * can check it is still held before it acts on it (the Unix-socket transport does
	 * before it removes a socket file it believes stale). By default the lock is not used.
	 * @param settings the settings
	 * @param master receives what workers send
	 * @param lock the lock the caller holds
	 * @return what stops serving when closed
	 * @throws IOException if the transport cannot listen, or the lock was lost
	 */
	default AutoCloseable serve(NodeSettings settings, MasterHandler master, GroupLock lock) throws IOException {
		return serve(settings, master);
	}

	/**
	 * Start connecting to the master, reconnecting until told to stop.
	 * @param settings the settings
	 * @param worker receives what the master sends
	 * @return what stops connecting when closed
	 */
	AutoCloseable connect(NodeSettings settings, WorkerHandler worker);

	/**
	 * Return a description of where masters listen, for logs, health details and
	 * {@link GlobalValNode#sequencerAddress()}: a socket path, a host and port. Never a secret.
	 * @param settings the settings
	 * @return the address
	 */
	String address(NodeSettings settings);

}
