package io.globalval.transport.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.ToByteBufEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * The codec of globalval's Redis connections: keys (and stream field names) are UTF-8
 * strings, values raw bytes. It writes both straight into Netty's buffer (no intermediate
 * {@link ByteBuffer} per argument, as a composed codec would allocate), and reads the
 * one-character field names of stream entries as shared strings (seven per entry, so a
 * follower decodes no string for them).
 */
final class KeysAndBytesCodec implements RedisCodec<String, byte[]>, ToByteBufEncoder<String, byte[]> {

	static final KeysAndBytesCodec INSTANCE = new KeysAndBytesCodec();

	private static final byte[] EMPTY = new byte[0];

	/** The strings of the ASCII characters, by code. */
	private static final String[] ONE_CHARACTER = new String[128];

	static {
		for (int c = 0; c < ONE_CHARACTER.length; c++) {
			ONE_CHARACTER[c] = String.valueOf((char) c).intern();
		}
	}

	private KeysAndBytesCodec() {
	}

	@Override
	public String decodeKey(ByteBuffer bytes) {
		int length = bytes.remaining();
		if (length == 1) {
			byte b = bytes.get(bytes.position());
			if (b >= 0) {
				bytes.position(bytes.position() + 1);
				return ONE_CHARACTER[b];
			}
		}
		return new String(decodeValue(bytes), StandardCharsets.UTF_8);
	}

	@Override
	public byte[] decodeValue(ByteBuffer bytes) {
		int length = bytes.remaining();
		if (length == 0) {
			return EMPTY;
		}
		byte[] value = new byte[length];
		bytes.get(value);
		return value;
	}

	@Override
	public ByteBuffer encodeKey(String key) {
		return ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public ByteBuffer encodeValue(byte[] value) {
		return ByteBuffer.wrap((value != null) ? value : EMPTY);
	}

	@Override
	public void encodeKey(String key, ByteBuf target) {
		if (key != null) {
			ByteBufUtil.writeUtf8(target, key);
		}
	}

	@Override
	public void encodeValue(byte[] value, ByteBuf target) {
		if (value != null) {
			target.writeBytes(value);
		}
	}

	@Override
	public int estimateSize(Object keyOrValue) {
		if (keyOrValue instanceof byte[] bytes) {
			return bytes.length;
		}
		if (keyOrValue instanceof CharSequence text) {
			return ByteBufUtil.utf8Bytes(text);
		}
		return 0;
	}

	@Override
	public boolean isEstimateExact() {
		return true;
	}

}
