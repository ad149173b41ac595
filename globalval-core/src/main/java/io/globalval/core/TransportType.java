package io.globalval.core;

/**
 * How the processes of an application reach their master.
 */
public enum TransportType {

	/**
	 * A Unix domain socket in the application's directory, restricted to the user that
	 * runs the master. The default.
	 */
	UDS,

	/**
	 * TCP, for platforms or containers without a shared socket directory. Every
	 * connection must prove knowledge of a shared secret (an HMAC challenge) before it
	 * may send a frame.
	 */
	TCP

}
