package io.globalval.transport.channel;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Decides whether a peer that a master just accepted may speak the protocol: by its
 * operating-system credentials (Unix socket) or by a handshake proving a shared secret
 * (TCP). Runs on the connection's own thread, before any frame is read, so a slow peer
 * delays nobody else.
 */
@FunctionalInterface
public interface PeerAdmission {

	/**
	 * Check a newly accepted peer; may exchange bytes with it.
	 * @param channel the accepted channel, in blocking mode
	 * @throws PeerRefusedException if the peer may not connect
	 * @throws IOException if the check could not be completed (the peer is refused too)
	 */
	void admit(SocketChannel channel) throws IOException;

}
