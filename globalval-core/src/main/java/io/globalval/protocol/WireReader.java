package io.globalval.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the fields of one payload, checking every length against what is left so that a
 * hostile length never makes it allocate or read past the frame.
 */
final class WireReader {

	/** Room for a string read from a direct buffer on its way into a {@link String}; per thread. */
	private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256]);

	private final ByteBuffer buffer;

	private final FrameType type;

	WireReader(FrameType type, ByteBuffer buffer) {
		this.type = type;
		this.buffer = buffer;
	}

	long varint() {
		long result = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			byte b = next();
			result |= (long) (b & 0x7F) << shift;
			if ((b & 0x80) == 0) {
				return result;
			}
		}
		throw malformed("varint longer than 10 bytes");
	}

	int varint32() {
		long value = varint();
		if (value < 0 || value > Integer.MAX_VALUE) {
			throw malformed("integer " + value + " out of range");
		}
		return (int) value;
	}

	long signed() {
		long raw = varint();
		return (raw >>> 1) ^ -(raw & 1);
	}

	long fixed64() {
		need(8);
		return this.buffer.getLong();
	}

	boolean bool() {
		byte b = next();
		if (b != 0 && b != 1) {
			throw malformed("boolean byte " + b);
		}
		return b == 1;
	}

	String string() {
		int length = length(varint32());
		String value;
		if (this.buffer.hasArray()) {
			value = new String(this.buffer.array(), this.buffer.arrayOffset() + this.buffer.position(), length,
					StandardCharsets.UTF_8);
			this.buffer.position(this.buffer.position() + length);
		}
		else {
			// a direct buffer: through a scratch array of the thread's, as the String copies anyway
			byte[] scratch = SCRATCH.get();
			byte[] bytes = (length <= scratch.length) ? scratch : new byte[length];
			this.buffer.get(bytes, 0, length);
			value = new String(bytes, 0, length, StandardCharsets.UTF_8);
		}
		return value;
	}

	byte[] bytes() {
		byte[] bytes = new byte[length(varint32())];
		this.buffer.get(bytes);
		return bytes;
	}

	byte[] nullableBytes() {
		long marker = varint();
		if (marker == 0) {
			return null;
		}
		// the marker is an unsigned 64-bit varint: a negative long is a huge length, not a small one
		if (marker < 0 || marker - 1 > Integer.MAX_VALUE) {
			throw malformed("length " + Long.toUnsignedString(marker - 1) + " out of range");
		}
		byte[] bytes = new byte[length((int) (marker - 1))];
		this.buffer.get(bytes);
		return bytes;
	}

	/** Read a count of items that take at least {@code minBytesEach} bytes each. */
	int count(int minBytesEach) {
		int count = varint32();
		if ((long) count * minBytesEach > this.buffer.remaining()) {
			throw malformed("count " + count + " cannot fit in the " + this.buffer.remaining() + " bytes left");
		}
		return count;
	}

	EpochHistory history() {
		int count = count(2);
		long[] epochs = new long[count];
		long[] starts = new long[count];
		for (int i = 0; i < count; i++) {
			epochs[i] = varint();
			starts[i] = varint();
		}
		try {
			return EpochHistory.of(epochs, starts);
		}
		catch (IllegalArgumentException ex) {
			throw malformed(ex.getMessage());
		}
	}

	void end() {
		if (this.buffer.hasRemaining()) {
			throw malformed(this.buffer.remaining() + " unexpected bytes after the last field");
		}
	}

	private int length(int length) {
		need(length);
		return length;
	}

	private byte next() {
		need(1);
		return this.buffer.get();
	}

	private void need(int bytes) {
		if (this.buffer.remaining() < bytes) {
			throw malformed("truncated: needs " + bytes + " more bytes, " + this.buffer.remaining() + " left");
		}
	}

	private ProtocolException malformed(String detail) {
		return new ProtocolException("Malformed " + this.type + " frame: " + detail);
	}

}
