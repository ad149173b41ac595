package io.globalval.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Feeds random and mutated byte streams to a {@link FrameReader} and
 * {@link FrameCodec#decode}: whatever a peer sends, the only failure that may escape is a
 * {@link ProtocolException}, and a stream that is cut between frames just ends. Seeds are
 * fixed so that a failure can be replayed.
 */
class FrameFuzzTests {

	private static final int MAX_FRAME_BYTES = 1024 * 1024;

	private static final int PAYLOAD_FRAMES = 100_000;

	private static final int FRAMES_PER_STREAM = 50;

	private static final int FRAMING_STREAMS = 20_000;

	private static final int[] INTERESTING_LENGTHS = { 0, 1, 2, -1, Integer.MIN_VALUE, Integer.MAX_VALUE,
			MAX_FRAME_BYTES, MAX_FRAME_BYTES + 1, FrameReader.BUFFER_BYTES - Frame.LENGTH_FIELD_BYTES,
			FrameReader.BUFFER_BYTES - Frame.LENGTH_FIELD_BYTES + 1, 0x7FFF_FFF0 };

	private static final byte[] INTERESTING_BYTES = { 0x00, 0x01, 0x02, 0x7F, (byte) 0x80, (byte) 0xFF };

	private final List<byte[]> validFrames = FrameCodecTests.messages().stream().map(FrameCodec::encode).toList();

	private Random random;

	/**
	 * Frames with intact length fields and known types but random or mutated payloads,
	 * many to a stream: the reader must return every one of them, and decoding each
	 * either succeeds or throws a {@link ProtocolException}.
	 */
	@Test
	void mutatedPayloadsFailToDecodeOnlyWithProtocolException() throws IOException {
		long seed = 0x6C0BA1_5EEDL;
		this.random = new Random(seed);
		int decoded = 0;
		int rejected = 0;
		for (int stream = 0; stream < PAYLOAD_FRAMES / FRAMES_PER_STREAM; stream++) {
			List<byte[]> frames = new ArrayList<>();
			for (int i = 0; i < FRAMES_PER_STREAM; i++) {
				frames.add(frameWithFuzzedPayload());
			}
			byte[] input = join(frames);
			FrameReader reader = new FrameReader(ChunkedChannel.splitAt(input, randomSplits(input.length, 20)),
					MAX_FRAME_BYTES);
			for (byte[] expected : frames) {
				Frame frame = reader.next();
				assertThat(frame).isNotNull();
				assertThat(frame.payload().remaining()).isEqualTo(expected.length - Frame.HEADER_BYTES);
				try {
					FrameCodec.decode(frame);
					decoded++;
				}
				catch (ProtocolException ex) {
					rejected++;
				}
				catch (Throwable ex) {
					fail("Seed %d, stream %d: %s decoding %s".formatted(seed, stream, ex, hex(expected)), ex);
				}
			}
			assertThat(reader.next()).isNull();
			assertThat(reader.bytesRead()).isEqualTo(input.length);
		}
		assertThat(decoded + rejected).isEqualTo(PAYLOAD_FRAMES);
		// the payloads reach both outcomes, not only the first length check
		assertThat(decoded).isGreaterThan(PAYLOAD_FRAMES / 10);
		assertThat(rejected).isGreaterThan(PAYLOAD_FRAMES / 2);
	}

	/**
	 * Garbage, truncated streams, hostile length fields and mutations anywhere (header
	 * included), one reader per stream: the stream is read to its end or rejected with a
	 * {@link ProtocolException}.
	 */
	@Test
	void randomAndMutatedStreamsFailOnlyWithProtocolException() {
		long seed = 0x5EED_F4A3EL;
		this.random = new Random(seed);
		int ended = 0;
		int rejected = 0;
		for (int i = 0; i < FRAMING_STREAMS; i++) {
			byte[] input = nextStream();
			int[] splits = randomSplits(input.length, 3);
			FrameReader reader = new FrameReader(ChunkedChannel.splitAt(input, splits), MAX_FRAME_BYTES);
			try {
				while (true) {
					Frame frame = reader.next();
					if (frame == null) {
						ended++;
						break;
					}
					FrameCodec.decode(frame);
				}
			}
			catch (ProtocolException ex) {
				rejected++;
			}
			catch (Throwable ex) {
				fail("Seed %d, stream %d split at %s: %s for bytes %s".formatted(seed, i, Arrays.toString(splits), ex,
						hex(input)), ex);
			}
			assertThat(reader.bytesRead()).isLessThanOrEqualTo(input.length);
		}
		assertThat(ended).isGreaterThan(FRAMING_STREAMS / 50);
		assertThat(rejected).isGreaterThan(FRAMING_STREAMS / 2);
	}

	private byte[] frameWithFuzzedPayload() {
		if (this.random.nextInt(3) == 0) {
			FrameType[] types = FrameType.values();
			return frame(types[this.random.nextInt(types.length)].code(), structuredPayload());
		}
		byte[] valid = this.validFrames.get(this.random.nextInt(this.validFrames.size()));
		byte[] payload = Arrays.copyOfRange(valid, Frame.HEADER_BYTES, valid.length);
		return frame(valid[Frame.LENGTH_FIELD_BYTES], mutate(payload));
	}

	private byte[] nextStream() {
		switch (this.random.nextInt(10)) {
			case 0:
				return randomBytes(this.random.nextInt(64));
			case 1:
				return frame(randomTypeCode(), structuredPayload());
			case 2:
			case 3:
				return truncate(validStream());
			case 4:
			case 5:
				return withLength(validStream(), INTERESTING_LENGTHS[this.random.nextInt(INTERESTING_LENGTHS.length)]);
			default:
				byte[] mutated = mutate(validStream());
				// keep the first frame's length consistent half of the time, so the payload reaches the decoder
				if (this.random.nextBoolean() && mutated.length > Frame.LENGTH_FIELD_BYTES) {
					mutated = withLength(mutated, mutated.length - Frame.LENGTH_FIELD_BYTES);
				}
				return mutated;
		}
	}

	/** One to three valid frames back to back. */
	private byte[] validStream() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int count = 1 + this.random.nextInt(3);
		for (int i = 0; i < count; i++) {
			out.writeBytes(this.validFrames.get(this.random.nextInt(this.validFrames.size())));
		}
		return out.toByteArray();
	}

	private byte[] mutate(byte[] input) {
		byte[] bytes = input;
		int mutations = 1 + this.random.nextInt(4);
		for (int i = 0; i < mutations; i++) {
			int at = this.random.nextInt(bytes.length + 1);
			switch (this.random.nextInt(6)) {
				case 0:
					if (at < bytes.length) {
						bytes[at] ^= (byte) (1 << this.random.nextInt(8));
					}
					break;
				case 1:
					if (at < bytes.length) {
						bytes[at] = interestingOrRandomByte();
					}
					break;
				case 2:
					bytes = splice(bytes, at, 0, new byte[] { interestingOrRandomByte() });
					break;
				case 3:
					if (at < bytes.length) {
						bytes = splice(bytes, at, 1 + this.random.nextInt(Math.min(4, bytes.length - at)), new byte[0]);
					}
					break;
				case 4:
					bytes = splice(bytes, at, 0, varint(randomLong()));
					break;
				default:
					if (at < bytes.length) {
						bytes = splice(bytes, at, 1, varint(randomLong()));
					}
			}
		}
		return bytes;
	}

	private byte[] truncate(byte[] input) {
		return Arrays.copyOf(input, this.random.nextInt(input.length));
	}

	private byte[] withLength(byte[] input, int length) {
		byte[] bytes = (input.length >= Frame.LENGTH_FIELD_BYTES) ? input
				: Arrays.copyOf(input, Frame.LENGTH_FIELD_BYTES);
		bytes[0] = (byte) (length >>> 24);
		bytes[1] = (byte) (length >>> 16);
		bytes[2] = (byte) (length >>> 8);
		bytes[3] = (byte) length;
		return bytes;
	}

	/** A payload made of plausible fields: varints, booleans, fixed longs, short strings. */
	private byte[] structuredPayload() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int fields = this.random.nextInt(10);
		for (int i = 0; i < fields; i++) {
			switch (this.random.nextInt(6)) {
				case 0:
					out.writeBytes(varint(this.random.nextInt(4)));
					break;
				case 1:
					out.writeBytes(varint(randomLong()));
					break;
				case 2:
					out.write(this.random.nextInt(3));
					break;
				case 3:
					out.writeBytes(randomBytes(8));
					break;
				case 4:
					byte[] string = randomBytes(this.random.nextInt(6));
					out.writeBytes(varint(string.length + this.random.nextInt(2)));
					out.writeBytes(string);
					break;
				default:
					out.write(interestingOrRandomByte());
			}
		}
		return out.toByteArray();
	}

	private static byte[] frame(int typeCode, byte[] payload) {
		byte[] frame = new byte[Frame.HEADER_BYTES + payload.length];
		int length = payload.length + 1;
		frame[0] = (byte) (length >>> 24);
		frame[1] = (byte) (length >>> 16);
		frame[2] = (byte) (length >>> 8);
		frame[3] = (byte) length;
		frame[4] = (byte) typeCode;
		System.arraycopy(payload, 0, frame, Frame.HEADER_BYTES, payload.length);
		return frame;
	}

	private int randomTypeCode() {
		FrameType[] types = FrameType.values();
		return (this.random.nextInt(8) == 0) ? this.random.nextInt(256)
				: types[this.random.nextInt(types.length)].code();
	}

	private long randomLong() {
		switch (this.random.nextInt(5)) {
			case 0:
				return this.random.nextInt(300);
			case 1:
				return Integer.MAX_VALUE + (long) this.random.nextInt(5) - 2;
			case 2:
				return -this.random.nextInt(5);
			case 3:
				return Long.MIN_VALUE + this.random.nextInt(3);
			default:
				return this.random.nextLong();
		}
	}

	private byte interestingOrRandomByte() {
		return this.random.nextBoolean() ? INTERESTING_BYTES[this.random.nextInt(INTERESTING_BYTES.length)]
				: (byte) this.random.nextInt(256);
	}

	private byte[] randomBytes(int count) {
		byte[] bytes = new byte[count];
		this.random.nextBytes(bytes);
		return bytes;
	}

	private int[] randomSplits(int length, int maxSplits) {
		if (length < 2) {
			return new int[0];
		}
		return this.random.ints(this.random.nextInt(maxSplits + 1), 1, length).sorted().distinct().toArray();
	}

	private static byte[] join(List<byte[]> parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		parts.forEach(out::writeBytes);
		return out.toByteArray();
	}

	private static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 256));
	}

	private static byte[] splice(byte[] bytes, int at, int remove, byte[] insert) {
		byte[] result = new byte[bytes.length - remove + insert.length];
		System.arraycopy(bytes, 0, result, 0, at);
		System.arraycopy(insert, 0, result, at, insert.length);
		System.arraycopy(bytes, at + remove, result, at + insert.length, bytes.length - at - remove);
		return result;
	}

	private static byte[] varint(long value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(10);
		long v = value;
		while ((v & ~0x7FL) != 0) {
			out.write((int) ((v & 0x7F) | 0x80));
			v >>>= 7;
		}
		out.write((int) v);
		return out.toByteArray();
	}

}
