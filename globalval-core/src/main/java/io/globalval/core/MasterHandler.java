package io.globalval.core;

import io.globalval.protocol.Message;

/**
 * What a master's transport calls for each connection it accepted. Calls for one peer
 * come from one thread, in the order the peer sent its frames.
 */
public interface MasterHandler {

	/**
	 * A message arrived from a peer.
	 * @param peer the peer
	 * @param message the message
	 */
	void received(Peer peer, Message message);

	/**
	 * A peer's connection ended.
	 * @param peer the peer
	 * @param reason why, for the log
	 */
	void disconnected(Peer peer, String reason);

	/**
	 * Return the counters the transport adds to.
	 * @return the metrics
	 */
	NodeMetrics metrics();

}
