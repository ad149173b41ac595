package io.globalval.protocol;

import java.nio.ByteBuffer;

/**
 * One frame read from a connection: its type and a view of its payload.
 * <pre>
 *  0         4      5                               4 + length
 *  +---------+------+--------------------------------+
 *  | length  | type | payload (length - 1 bytes)     |
 *  | int32 BE| u8   | fields of the message, in order|
 *  +---------+------+--------------------------------+
 * </pre>
 * {@code length} counts the type byte and the payload, never the length field itself,
 * so the smallest valid length is 1. A reader checks it against the configured maximum
 * before it allocates or waits for anything. Inside the payload, integers are unsigned
 * LEB128 varints (zig-zag for signed values), origin times are fixed 8-byte longs,
 * strings are a varint length and UTF-8 bytes, and byte arrays are a varint length and
 * the bytes (length + 1, with 0 for null, where a field may be absent).
 * <p>
 * The payload buffer is only valid until the next frame is read from the same reader;
 * {@link FrameCodec#decode(Frame)} copies what it keeps.
 *
 * @param type the frame type
 * @param payload the payload, positioned at its first byte
 */
public record Frame(FrameType type, ByteBuffer payload) {

	/** Bytes of the length field that precedes every frame. */
	public static final int LENGTH_FIELD_BYTES = 4;

	/** Bytes of the length field and the type byte. */
	public static final int HEADER_BYTES = LENGTH_FIELD_BYTES + 1;

	/** The version of this protocol, exchanged in {@link Message.Hello}. */
	public static final int PROTOCOL_VERSION = 2;

}
