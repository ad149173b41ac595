package io.globalval.core;

import io.globalval.protocol.WriteCommand;

/**
 * Builds a write once it has its sequence number and its time, so that whoever sends it
 * can number it where the order of sending is decided.
 */
@FunctionalInterface
interface WriteFactory {

	/**
	 * Build the write.
	 * @param seq its sequence number
	 * @param nowNanos the runtime's time when it was made
	 * @return the write
	 */
	WriteCommand create(long seq, long nowNanos);

}
