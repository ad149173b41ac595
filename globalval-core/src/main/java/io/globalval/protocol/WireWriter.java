package io.globalval.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one frame into a growable array: header first, fields after, the length patched
 * in at the end.
 */
final class WireWriter {

	private byte[] bytes;

	private int position;

	/**
	 * Start a frame.
	 * @param type its type
	 * @param expectedPayloadBytes the payload's size, exact when known (then the frame's
	 * array is allocated once and never copied), else an estimate
	 */
	WireWriter(FrameType type, int expectedPayloadBytes) {
		this.bytes = new byte[Frame.HEADER_BYTES + Math.max(expectedPayloadBytes, 0)];
		this.bytes[Frame.LENGTH_FIELD_BYTES] = (byte) type.code();
		this.position = Frame.HEADER_BYTES;
	}

	WireWriter varint(long value) {
		// exactly what it takes: a frame allocated at its exact size is then never grown
		ensure(varintSize(value));
		long v = value;
		while ((v & ~0x7FL) != 0) {
			this.bytes[this.position++] = (byte) ((v & 0x7F) | 0x80);
			v >>>= 7;
		}
		this.bytes[this.position++] = (byte) v;
		return this;
	}

	WireWriter signed(long value) {
		return varint((value << 1) ^ (value >> 63));
	}

	WireWriter fixed64(long value) {
		ensure(8);
		for (int shift = 56; shift >= 0; shift -= 8) {
			this.bytes[this.position++] = (byte) (value >>> shift);
		}
		return this;
	}

	WireWriter bool(boolean value) {
		ensure(1);
		this.bytes[this.position++] = (byte) (value ? 1 : 0);
		return this;
	}

	WireWriter history(EpochHistory history) {
		varint(history.size());
		for (int i = 0; i < history.size(); i++) {
			varint(history.epoch(i)).varint(history.start(i));
		}
		return this;
	}

	WireWriter string(String value) {
		if (isAscii(value)) {
			int length = value.length();
			varint(length);
			ensure(length);
			getAsciiBytes(value, length);
			this.position += length;
			return this;
		}
		return bytes(value.getBytes(StandardCharsets.UTF_8));
	}

	WireWriter bytes(byte[] value) {
		varint(value.length);
		return raw(value);
	}

	WireWriter nullableBytes(byte[] value) {
		if (value == null) {
			return varint(0);
		}
		varint(value.length + 1L);
		return raw(value);
	}

	private WireWriter raw(byte[] value) {
		ensure(value.length);
		System.arraycopy(value, 0, this.bytes, this.position, value.length);
		this.position += value.length;
		return this;
	}

	/**
	 * Return how many bytes {@link #varint} writes for a value.
	 * @param value the value
	 * @return 1 to 10
	 */
	static int varintSize(long value) {
		// 7 bits per byte: the bits after the highest set one, at least one byte
		return Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 6) / 7);
	}

	/**
	 * Return how many bytes {@link #string} writes for a string of ASCII characters, or
	 * an upper bound for any other.
	 * @param value the string
	 * @return the size
	 */
	static int stringSize(String value) {
		int length = value.length();
		return isAscii(value) ? varintSize(length) + length : varintSize(length * 3L) + length * 3;
	}

	byte[] toFrame() {
		int length = this.position - Frame.LENGTH_FIELD_BYTES;
		this.bytes[0] = (byte) (length >>> 24);
		this.bytes[1] = (byte) (length >>> 16);
		this.bytes[2] = (byte) (length >>> 8);
		this.bytes[3] = (byte) length;
		return (this.position == this.bytes.length) ? this.bytes : Arrays.copyOf(this.bytes, this.position);
	}

	private void ensure(int more) {
		if (this.position + more > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.position + more));
		}
	}

	@SuppressWarnings("deprecation")
	private void getAsciiBytes(String value, int length) {
		// String.getBytes(int, int, byte[], int) copies Latin-1 chars without an encoder
		value.getBytes(0, length, this.bytes, this.position);
	}

	private static boolean isAscii(String value) {
		for (int i = 0; i < value.length(); i++) {
			if (value.charAt(i) >= 0x80) {
				return false;
			}
		}
		return true;
	}

}
