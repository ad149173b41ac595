package io.globalval.core;

import java.nio.ByteBuffer;

import io.globalval.protocol.Message;

/**
 * What a worker's transport calls for its connection to the master. Calls come from the
 * transport's one reader thread.
 */
public interface WorkerHandler {

	/**
	 * Return the hello to open a new connection with.
	 * @return the hello
	 */
	Message.Hello hello();

	/**
	 * A connection to the master is open and the hello was queued.
	 * @param master the master
	 */
	void connected(Peer master);

	/**
	 * A message arrived from the master.
	 * @param message the message
	 */
	void received(Message message);

	/**
	 * A message arrived from the master, with its frame as it arrived, so that a change
	 * can be kept in the change log without encoding it again. Called on the thread that
	 * read it; the frame is valid only during the call.
	 * @param message the message
	 * @param frame its encoded frame (length field included, from position to limit), or
	 * {@code null} when the transport does not have it
	 */
	default void received(Message message, ByteBuffer frame) {
		received(message);
	}

	/**
	 * The messages received so far are all handled, and the transport is about to wait for
	 * more: a worker sends what it gathered over the batch (one confirmation, not one per
	 * change).
	 */
	default void endOfBatch() {
	}

	/**
	 * The connection ended.
	 * @param reason why, for the log
	 */
	void disconnected(String reason);

	/**
	 * Return whether the transport should go on connecting (false once closed or refused).
	 * @return whether to reconnect
	 */
	boolean keepConnecting();

	/**
	 * Report that there is no connection to the master, before the transport tries to
	 * connect (again). The node, not the transport, decides what follows: with role
	 * {@code auto} it may take the lock and become master in its place.
	 * @return whether the node changed its role, and the transport should stop
	 */
	boolean masterUnreachable();

	/**
	 * Return the counters the transport adds to.
	 * @return the metrics
	 */
	NodeMetrics metrics();

}
