package io.globalval.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static io.globalval.protocol.FrameCodecTests.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Byte-level tests of {@link FrameReader} over a {@link ChunkedChannel}: frames split and
 * coalesced across reads, frames larger than the read buffer, hostile lengths and
 * connections that end early.
 */
class FrameReaderTests {

	private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

	private static final List<Message> MESSAGES = List.of(new Message.Ping(-5, 42),
			new WriteCommand.SetValue(7, "ключ-키", "{\"a\":[1,2,3]}".getBytes(), 123),
			new Message.Applied(9, 1, "gone", null, 2, 8, 0));

	@Test
	void framesSplitAtEveryByteBoundaryAreReassembled() throws IOException {
		byte[] stream = concat(MESSAGES);
		for (int split = 1; split < stream.length; split++) {
			FrameReader reader = new FrameReader(ChunkedChannel.splitAt(stream, split), MAX_FRAME_BYTES);
			assertThat(readAll(reader)).as("split at %d", split).isEqualTo(MESSAGES);
			assertThat(reader.bytesRead()).isEqualTo(stream.length);
		}
	}

	@Test
	void framesArrivingOneByteAtATimeAreReassembled() throws IOException {
		byte[] stream = concat(MESSAGES);
		int[] everyByte = new int[stream.length - 1];
		Arrays.setAll(everyByte, (i) -> i + 1);
		ChunkedChannel channel = ChunkedChannel.splitAt(stream, everyByte);
		FrameReader reader = new FrameReader(channel, MAX_FRAME_BYTES);
		assertThat(readAll(reader)).isEqualTo(MESSAGES);
		assertThat(reader.bytesRead()).isEqualTo(stream.length);
		assertThat(channel.reads()).isEqualTo(stream.length + 1);
	}

	@Test
	void manyFramesCoalescedInOneReadAreReturnedOneByOne() throws IOException {
		List<Message> messages = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			messages.add(new Message.Applied(i, 1, "key-" + i, ("value-" + i).getBytes(), i % 7, i, -i));
		}
		byte[] stream = concat(messages);
		assertThat(stream.length).as("more than one buffer").isGreaterThan(3 * FrameReader.BUFFER_BYTES);
		FrameReader reader = new FrameReader(ChunkedChannel.of(stream), MAX_FRAME_BYTES);
		assertThat(readAll(reader)).isEqualTo(messages);
		assertThat(reader.bytesRead()).isEqualTo(stream.length);
	}

	@Test
	void frameLargerThanTheBufferRoundTrips() throws IOException {
		byte[] value = new byte[1024 * 1024];
		for (int i = 0; i < value.length; i++) {
			value[i] = (byte) (i * 31 + (i >>> 11));
		}
		List<Message> messages = List.of(new Message.Ping(1, 1), new WriteCommand.SetValue(2, "big", value, 3),
				new Message.Pong(1, 1));
		byte[] stream = concat(messages);
		FrameReader reader = new FrameReader(ChunkedChannel.of(stream), MAX_FRAME_BYTES);
		assertThat(readAll(reader)).isEqualTo(messages);
		assertThat(reader.bytesRead()).isEqualTo(stream.length);
	}

	@Test
	void eachFrameIsAlsoShownAsItArrivedExceptOneLargerThanTheBuffer() throws IOException {
		byte[] value = new byte[FrameReader.BUFFER_BYTES + 10];
		List<Message> messages = new ArrayList<>();
		for (int i = 0; i < 5_000; i++) {
			messages.add(new Message.Applied(i, 1, "key-" + i, ("value-" + i).getBytes(), i % 7, i, -i));
		}
		messages.add(2_500, new WriteCommand.SetValue(2, "big", value, 3));
		byte[] stream = concat(messages);
		int[] splits = { 3, 17, 40, 1000, 65_535, 65_536, 65_537, 100_000, stream.length - 5 };
		FrameReader reader = new FrameReader(ChunkedChannel.splitAt(stream, splits), MAX_FRAME_BYTES);
		assertThat(reader.lastFrameBytes()).isNull();
		for (Message message : messages) {
			Frame frame = reader.next();
			assertThat(FrameCodec.decode(frame)).isEqualTo(message);
			ByteBuffer bytes = reader.lastFrameBytes();
			if (message instanceof WriteCommand.SetValue) {
				assertThat(bytes).isNull();
			}
			else {
				assertThat(remaining(bytes.duplicate())).isEqualTo(FrameCodec.encode(message));
			}
		}
		assertThat(reader.next()).isNull();
	}

	@Test
	void frameLargerThanTheBufferSplitAcrossManyReadsRoundTrips() throws IOException {
		byte[] value = new byte[300_000];
		Arrays.fill(value, (byte) 'x');
		List<Message> messages = List.of(new Message.Ping(1, 1), new WriteCommand.SetValue(2, "big", value, 3),
				new Message.Pong(1, 1), new WriteCommand.SetValue(4, "big-again", value, 5));
		byte[] stream = concat(messages);
		int[] splits = { 3, 17, 40, 1000, 65_535, 65_536, 65_537, 200_000, stream.length - 5 };
		FrameReader reader = new FrameReader(ChunkedChannel.splitAt(stream, splits), MAX_FRAME_BYTES);
		assertThat(readAll(reader)).isEqualTo(messages);
		assertThat(reader.bytesRead()).isEqualTo(stream.length);
	}

	@Test
	void frameThatGrowsItsArraySeveralTimesRoundTrips() throws IOException {
		byte[] value = new byte[5 * FrameReader.LARGE_START_BYTES + 12_345];
		for (int i = 0; i < value.length; i++) {
			value[i] = (byte) (i * 7 + (i >>> 13));
		}
		List<Message> messages = List.of(new WriteCommand.SetValue(1, "huge", value, 2), new Message.Pong(3, 4));
		byte[] stream = concat(messages);
		int[] splits = { 2, 70_000, FrameReader.LARGE_START_BYTES, FrameReader.LARGE_START_BYTES + 1, 3_000_000,
				stream.length - 1 };
		FrameReader reader = new FrameReader(ChunkedChannel.splitAt(stream, splits), MAX_FRAME_BYTES);
		assertThat(readAll(reader)).isEqualTo(messages);
		assertThat(reader.bytesRead()).isEqualTo(stream.length);
	}

	@Test
	void frameAnnouncingTheMaximumButEndingEarlyHoldsMemoryOnlyForWhatArrived() {
		java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		// HotSpot's bean counts allocations per thread: the JDKs this project builds on have it
		assertThat(threads).isInstanceOf(com.sun.management.ThreadMXBean.class);
		com.sun.management.ThreadMXBean allocations = (com.sun.management.ThreadMXBean) threads;
		assertThat(allocations.isThreadAllocatedMemorySupported() && allocations.isThreadAllocatedMemoryEnabled())
			.isTrue();
		byte[] start = Arrays.copyOf(frame(FrameType.SET, MAX_FRAME_BYTES - 1), Frame.HEADER_BYTES + 100_000);
		FrameReader reader = new FrameReader(ChunkedChannel.of(start), MAX_FRAME_BYTES);
		long before = allocations.getCurrentThreadAllocatedBytes();
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(reader::next)
			.withMessage("Peer closed the connection mid-frame (100005 of %d bytes received)",
					Frame.LENGTH_FIELD_BYTES + MAX_FRAME_BYTES);
		// far below the 16 MB announced: the start array, the exception, a little more
		assertThat(allocations.getCurrentThreadAllocatedBytes() - before).isLessThan(2L * FrameReader.LARGE_START_BYTES);
	}

	@Test
	void framesAroundTheBufferSizeRoundTrip() throws IOException {
		int fittingLength = FrameReader.BUFFER_BYTES - Frame.LENGTH_FIELD_BYTES;
		for (int length = fittingLength - 1; length <= fittingLength + 1; length++) {
			byte[] frame = frame(FrameType.PING, length - 1);
			byte[] stream = concat(List.of(new Message.Ping(1, 2))); // an unaligned start
			byte[] both = join(stream, frame, stream);
			FrameReader reader = new FrameReader(ChunkedChannel.of(both), MAX_FRAME_BYTES);
			assertThat(reader.next().payload().remaining()).isEqualTo(9);
			Frame big = reader.next();
			assertThat(big.type()).isEqualTo(FrameType.PING);
			assertThat(big.payload().remaining()).as("payload of frame length %d", length).isEqualTo(length - 1);
			assertThat(FrameCodec.decode(reader.next())).isEqualTo(new Message.Ping(1, 2));
			assertThat(reader.next()).isNull();
		}
	}

	@Test
	void oversizedFrameIsRejectedBeforeAllocation() {
		// about 2 GB announced: the reader must neither allocate it nor wait for it
		int announced = 0x7FFF_FFF0;
		ChunkedChannel channel = ChunkedChannel.thenBlock(ByteBuffer.allocate(4).putInt(announced).array());
		FrameReader reader = new FrameReader(channel, MAX_FRAME_BYTES);
		assertThatExceptionOfType(FrameTooLargeException.class).isThrownBy(reader::next)
			.withMessage("Frame length 2147483632 exceeds globalval.max-frame-size (16777216)")
			.satisfies((ex) -> {
				assertThat(ex.getLength()).isEqualTo(announced);
				assertThat(ex.getMaxLength()).isEqualTo(MAX_FRAME_BYTES);
			});
		assertThat(reader.bytesRead()).isEqualTo(4);
	}

	@Test
	void lengthOneOverTheMaximumIsRejectedAndTheMaximumIsAccepted() throws IOException {
		FrameReader over = new FrameReader(ChunkedChannel.thenBlock(bytes(0, 0, 0, 101)), 100);
		assertThatExceptionOfType(FrameTooLargeException.class).isThrownBy(over::next)
			.withMessage("Frame length 101 exceeds globalval.max-frame-size (100)");
		FrameReader atMax = new FrameReader(ChunkedChannel.of(frame(FrameType.PING, 99)), 100);
		assertThat(atMax.next().payload().remaining()).isEqualTo(99);
	}

	@Test
	void zeroLengthIsRejected() {
		FrameReader reader = new FrameReader(ChunkedChannel.thenBlock(bytes(0, 0, 0, 0)), MAX_FRAME_BYTES);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(reader::next)
			.isExactlyInstanceOf(ProtocolException.class)
			.withMessage("Invalid frame length 0");
	}

	@Test
	void negativeLengthIsRejected() {
		for (int length : new int[] { -1, Integer.MIN_VALUE }) {
			FrameReader reader = new FrameReader(
					ChunkedChannel.thenBlock(ByteBuffer.allocate(4).putInt(length).array()), MAX_FRAME_BYTES);
			assertThatExceptionOfType(ProtocolException.class).isThrownBy(reader::next)
				.isExactlyInstanceOf(ProtocolException.class)
				.withMessage("Invalid frame length " + length);
		}
	}

	@Test
	void endOfStreamMidHeaderIsReported() {
		byte[] frame = FrameCodec.encode(new Message.Resync(1));
		for (int received = 1; received < Frame.LENGTH_FIELD_BYTES; received++) {
			FrameReader reader = new FrameReader(ChunkedChannel.of(Arrays.copyOf(frame, received)), MAX_FRAME_BYTES);
			assertThatExceptionOfType(ProtocolException.class).isThrownBy(reader::next)
				.withMessage("Peer closed the connection mid-frame (%d of 4 bytes received)", received);
		}
	}

	@Test
	void endOfStreamMidPayloadIsReported() {
		byte[] frame = FrameCodec.encode(new WriteCommand.SetValue(1, "key", "\"value\"".getBytes(), 0));
		for (int received = Frame.LENGTH_FIELD_BYTES; received < frame.length; received++) {
			FrameReader reader = new FrameReader(ChunkedChannel.of(Arrays.copyOf(frame, received)), MAX_FRAME_BYTES);
			assertThatExceptionOfType(ProtocolException.class).isThrownBy(reader::next)
				.withMessage("Peer closed the connection mid-frame (%d of %d bytes received)", received,
						frame.length);
		}
	}

	@Test
	void endOfStreamMidPayloadOfAFrameLargerThanTheBufferIsReported() {
		byte[] frame = frame(FrameType.SET, 200_000);
		byte[] truncated = Arrays.copyOf(frame, 150_000);
		FrameReader reader = new FrameReader(ChunkedChannel.splitAt(truncated, 10, 70_000), MAX_FRAME_BYTES);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(reader::next)
			.withMessage("Peer closed the connection mid-frame (150000 of %d bytes received)", frame.length);
	}

	@Test
	void endOfStreamMidSecondFrameIsReportedAfterTheFirstIsReturned() throws IOException {
		byte[] first = FrameCodec.encode(new Message.Resync(1));
		byte[] second = FrameCodec.encode(new Message.Resync(2));
		FrameReader reader = new FrameReader(ChunkedChannel.of(join(first, Arrays.copyOf(second, 5))),
				MAX_FRAME_BYTES);
		assertThat(FrameCodec.decode(reader.next())).isEqualTo(new Message.Resync(1));
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(reader::next).withMessageContaining("mid-frame");
	}

	@Test
	void endOfStreamBeforeAnyFrameReturnsNull() throws IOException {
		FrameReader reader = new FrameReader(ChunkedChannel.of(), MAX_FRAME_BYTES);
		assertThat(reader.next()).isNull();
		assertThat(reader.bytesRead()).isZero();
	}

	@Test
	void endOfStreamExactlyBetweenFramesReturnsNull() throws IOException {
		byte[] stream = concat(MESSAGES);
		FrameReader reader = new FrameReader(ChunkedChannel.of(stream), MAX_FRAME_BYTES);
		for (int i = 0; i < MESSAGES.size(); i++) {
			assertThat(reader.next()).isNotNull();
		}
		assertThat(reader.next()).isNull();
		assertThat(reader.next()).isNull();
	}

	@Test
	void bytesReadCountsWhatWasTakenFromTheChannel() throws IOException {
		byte[] first = FrameCodec.encode(new Message.Resync(1));
		byte[] second = FrameCodec.encode(new Message.Resync(2));
		FrameReader reader = new FrameReader(ChunkedChannel.of(first, second), MAX_FRAME_BYTES);
		assertThat(reader.bytesRead()).isZero();
		reader.next();
		assertThat(reader.bytesRead()).isEqualTo(first.length);
		reader.next();
		assertThat(reader.bytesRead()).isEqualTo(first.length + second.length);
		assertThat(reader.next()).isNull();
		assertThat(reader.bytesRead()).isEqualTo(first.length + second.length);
	}

	@Test
	void bytesReadIncludesBytesReadAheadOfTheCurrentFrame() throws IOException {
		byte[] stream = concat(MESSAGES);
		FrameReader reader = new FrameReader(ChunkedChannel.of(stream), MAX_FRAME_BYTES);
		reader.next();
		assertThat(reader.bytesRead()).isEqualTo(stream.length);
	}

	@Test
	void payloadIsTheBytesAfterTheTypeByte() throws IOException {
		byte[] frame = bytes(0, 0, 0, 4, 0x40, 'a', 'b', 'c', 0, 0, 0, 4, 0x41, 'x', 'y', 'z');
		FrameReader reader = new FrameReader(ChunkedChannel.of(frame), MAX_FRAME_BYTES);
		Frame ping = reader.next();
		assertThat(ping.type()).isEqualTo(FrameType.PING);
		assertThat(remaining(ping.payload())).containsExactly('a', 'b', 'c');
		Frame pong = reader.next();
		assertThat(pong.type()).isEqualTo(FrameType.PONG);
		assertThat(remaining(pong.payload())).containsExactly('x', 'y', 'z');
	}

	private static List<Message> readAll(FrameReader reader) throws IOException {
		List<Message> messages = new ArrayList<>();
		Frame frame;
		while ((frame = reader.next()) != null) {
			messages.add(FrameCodec.decode(frame));
		}
		return messages;
	}

	private static byte[] concat(List<Message> messages) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		messages.forEach((message) -> out.writeBytes(FrameCodec.encode(message)));
		return out.toByteArray();
	}

	private static byte[] join(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	/** A frame of the given type whose payload is {@code payloadBytes} bytes counting up. */
	private static byte[] frame(FrameType type, int payloadBytes) {
		ByteBuffer frame = ByteBuffer.allocate(Frame.HEADER_BYTES + payloadBytes);
		frame.putInt(payloadBytes + 1).put((byte) type.code());
		while (frame.hasRemaining()) {
			frame.put((byte) frame.position());
		}
		return frame.array();
	}

	private static byte[] remaining(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.duplicate().get(bytes);
		return bytes;
	}

}
