package io.globalval.benchmarks.relay;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The relay's frames, in globalval's frame layout but with nothing else: no revision, no
 * origin, no write id, no JSON check.
 * <pre>
 *  +---------+------+-----------+-------------+----------------+
 *  | length  | type | key length| key (ASCII) | value bytes    |
 *  | int32 BE| u8   | u8        |             | (rest of frame)|
 *  +---------+------+-----------+-------------+----------------+
 * </pre>
 * {@code length} counts everything after the length field.
 */
public final class RelayFrames {

	/** Bytes of the length field. */
	public static final int LENGTH_FIELD_BYTES = 4;

	/** The only frame type: a key was set. */
	public static final byte SET = 1;

	/** The largest frame the relay accepts, length field included. */
	public static final int MAX_FRAME_BYTES = 64 * 1024;

	private RelayFrames() {
	}

	/**
	 * Encode a set.
	 * @param key the key, ASCII, at most 255 characters
	 * @param value the value bytes
	 * @return the frame
	 */
	public static byte[] set(String key, byte[] value) {
		int keyLength = key.length();
		int length = 2 + keyLength + value.length;
		if (keyLength > 255 || length + LENGTH_FIELD_BYTES > MAX_FRAME_BYTES) {
			throw new IllegalArgumentException("Key or value too large for the relay: " + key);
		}
		ByteBuffer frame = ByteBuffer.allocate(LENGTH_FIELD_BYTES + length);
		frame.putInt(length).put(SET).put((byte) keyLength).put(key.getBytes(StandardCharsets.ISO_8859_1)).put(value);
		return frame.array();
	}

	/**
	 * Return the end of the last complete frame in {@code [from, limit)} of a buffer.
	 * @param buffer the buffer
	 * @param from where the first frame starts
	 * @param limit the end of the data
	 * @return the end of the complete frames ({@code from} if none)
	 * @throws IllegalStateException if a frame announces an invalid length
	 */
	public static int completeFramesEnd(ByteBuffer buffer, int from, int limit) {
		int at = from;
		while (limit - at >= LENGTH_FIELD_BYTES) {
			int length = buffer.getInt(at);
			if (length < 2 || length + LENGTH_FIELD_BYTES > MAX_FRAME_BYTES) {
				throw new IllegalStateException("Invalid relay frame length " + length);
			}
			if (limit - at < LENGTH_FIELD_BYTES + length) {
				break;
			}
			at += LENGTH_FIELD_BYTES + length;
		}
		return at;
	}

}
