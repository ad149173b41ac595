package io.globalval.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Byte-level tests of {@link FrameCodec}: every message type through encode, a
 * {@link FrameReader} and decode, the exact wire layout, and hostile payloads.
 */
class FrameCodecTests {

	private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

	private static final String NON_ASCII = "ключ-키";

	static List<Message> messages() {
		List<Message> messages = new ArrayList<>();
		messages.add(new Message.Hello(Frame.PROTOCOL_VERSION, "orders", 0, 0, 0, "worker-1", 4242, EpochHistory.EMPTY));
		messages.add(new Message.Hello(Integer.MAX_VALUE, NON_ASCII, Long.MAX_VALUE, Long.MAX_VALUE,
				Integer.MAX_VALUE, "узел-노드-🙂", Long.MAX_VALUE,
				EpochHistory.of(new long[] { 1, 4, Long.MAX_VALUE }, new long[] { 1, 300, Long.MAX_VALUE })));
		messages.add(new Message.Hello(0, "", 0, 0, 0, "", 0, EpochHistory.EMPTY));
		messages.add(new Message.Welcome(0, 0, 0, false, 0));
		messages.add(new Message.Welcome(Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, true, Long.MAX_VALUE));
		messages.add(new Message.Snapshot(0, 0, true, List.of(), EpochHistory.EMPTY));
		messages.add(new Message.Snapshot(Long.MAX_VALUE, 7, false,
				List.of(new Message.Entry("config", 3, json("{\"a\":1}")), new Message.Entry(NON_ASCII, 0, json("\"значение\"")),
						new Message.Entry("", Long.MAX_VALUE, new byte[0])),
				EpochHistory.of(new long[] { 2 }, new long[] { 1 }), java.util.Map.of(7L, 3L, Long.MAX_VALUE, Long.MAX_VALUE)));
		messages.add(new Message.Fetch(0, true));
		messages.add(new Message.Fetch(Long.MAX_VALUE, false));
		messages.add(new Message.Confirm(0));
		messages.add(new Message.Confirm(Long.MAX_VALUE));
		messages.add(new Message.Resync(0));
		messages.add(new Message.Resync(Long.MAX_VALUE));
		messages.add(new WriteCommand.SetValue(0, "", new byte[0], 0));
		messages.add(new WriteCommand.SetValue(Long.MAX_VALUE, NON_ASCII, json("\"значение-값\""), Long.MIN_VALUE));
		messages.add(new WriteCommand.SetValue(1, "k".repeat(300), json("[1,2,3]"), -1));
		messages.add(new WriteCommand.DeleteKey(0, "", 0));
		messages.add(new WriteCommand.DeleteKey(Long.MAX_VALUE, NON_ASCII, Long.MAX_VALUE));
		messages.add(new WriteCommand.CompareAndSetValue(1, "k", null, json("1"), 0));
		messages.add(new WriteCommand.CompareAndSetValue(Long.MAX_VALUE, NON_ASCII, new byte[0], new byte[0],
				Long.MIN_VALUE));
		messages.add(new WriteCommand.CompareAndSetValue(2, "k", json("1"), json("2"), 12345));
		messages.add(new WriteCommand.IncrementValue(0, "counter", 0, 0));
		messages.add(new WriteCommand.IncrementValue(1, "counter", -1, 1));
		messages.add(new WriteCommand.IncrementValue(2, NON_ASCII, -123_456_789_012L, -1));
		messages.add(new WriteCommand.IncrementValue(Long.MAX_VALUE, "counter", Long.MAX_VALUE, Long.MAX_VALUE));
		messages.add(new WriteCommand.IncrementValue(3, "counter", Long.MIN_VALUE, Long.MIN_VALUE));
		messages.add(new WriteCommand.BroadcastAll(0));
		messages.add(new WriteCommand.BroadcastAll(Long.MAX_VALUE));
		messages.add(new Message.Applied(1, 1, "config", null, 0, 0, 0));
		messages.add(new Message.Applied(2, 0, "config", new byte[0], 1, 1, 1));
		messages.add(new Message.Applied(Long.MAX_VALUE, Long.MAX_VALUE, NON_ASCII, json("{\"ключ\":\"키\"}"), Integer.MAX_VALUE,
				Long.MAX_VALUE, Long.MIN_VALUE));
		messages.add(new Message.Ack(0, 0));
		messages.add(new Message.Ack(Long.MAX_VALUE, Long.MAX_VALUE));
		messages.add(new Message.Reply(0, 0, false, 0));
		messages.add(new Message.Reply(Long.MAX_VALUE, Long.MAX_VALUE, true, Long.MIN_VALUE));
		messages.add(new Message.Reply(3, 9, true, -42));
		messages.add(new Message.BroadcastAck(0));
		messages.add(new Message.BroadcastAck(Long.MAX_VALUE));
		for (ErrorCode code : ErrorCode.values()) {
			messages.add(new Message.Failure(code.ordinal(), code, "refused: " + NON_ASCII));
		}
		messages.add(new Message.Failure(Long.MAX_VALUE, ErrorCode.INTERNAL, ""));
		messages.add(new Message.Ping(0, 0));
		messages.add(new Message.Ping(Long.MIN_VALUE, Long.MAX_VALUE));
		messages.add(new Message.Pong(-1, 0));
		messages.add(new Message.Pong(Long.MAX_VALUE, Long.MAX_VALUE));
		return messages;
	}

	@Test
	void appliedAndAckEncodedFromTheirFieldsAreTheFramesOfTheirMessages() {
		byte[] value = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
		for (long n : new long[] { 0, 1, 127, 128, 300_000, Long.MAX_VALUE }) {
			assertThat(FrameCodec.encodeApplied(n, 3, "k", value, 7, n, -n))
				.isEqualTo(FrameCodec.encode(new Message.Applied(n, 3, "k", value, 7, n, -n)));
			assertThat(FrameCodec.encodeApplied(n, n, "ключ", null, n, 1, 0))
				.isEqualTo(FrameCodec.encode(new Message.Applied(n, n, "ключ", null, n, 1, 0)));
			byte[] ack = FrameCodec.encodeAck(n, n + 1);
			assertThat(FrameCodec.decode(ack)).isEqualTo(new Message.Ack(n, n + 1));
			assertThat(ack).as("exact size")
				.hasSize(Frame.HEADER_BYTES + WireWriter.varintSize(n) + WireWriter.varintSize(n + 1))
				.isEqualTo(FrameCodec.encode(new Message.Ack(n, n + 1)));
		}
	}

	@Test
	void varintSizeIsWhatAVarintTakes() {
		long[] values = { 0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE };
		for (long value : values) {
			WireWriter writer = new WireWriter(FrameType.RESYNC, 0).varint(value);
			assertThat(WireWriter.varintSize(value)).as("%d", value)
				.isEqualTo(writer.toFrame().length - Frame.HEADER_BYTES);
		}
		for (int bits = 0; bits < 64; bits++) {
			long value = 1L << bits;
			assertThat(WireWriter.varintSize(value)).isEqualTo(new WireWriter(FrameType.RESYNC, 0).varint(value)
				.toFrame().length - Frame.HEADER_BYTES);
		}
	}

	@Test
	void setAndAppliedFramesOfAsciiKeysAreSizedExactlyAndNonAsciiOnesStillEncode() {
		byte[] value = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
		for (String key : List.of("k", "key-" + "x".repeat(200), "clé-ü-€")) {
			Message.Applied applied = new Message.Applied(1L << 40, 7, key, value, -5, 300, 123);
			assertThat(FrameCodec.decode(FrameCodec.encode(applied))).isEqualTo(applied);
			Message.Applied deleted = new Message.Applied(2, 7, key, null, 9, 1, 0);
			assertThat(FrameCodec.decode(FrameCodec.encode(deleted))).isEqualTo(deleted);
			WriteCommand.SetValue set = new WriteCommand.SetValue(1L << 50, key, value, 42);
			assertThat(FrameCodec.decode(FrameCodec.encode(set))).isEqualTo(set);
		}
	}

	@Test
	void sampleMessagesCoverEveryFrameType() {
		EnumSet<FrameType> covered = messages().stream()
			.map(Message::type)
			.collect(Collectors.toCollection(() -> EnumSet.noneOf(FrameType.class)));
		assertThat(covered).isEqualTo(EnumSet.allOf(FrameType.class));
	}

	@ParameterizedTest
	@MethodSource("messages")
	void everyMessageSurvivesEncodeReadAndDecode(Message message) throws IOException {
		byte[] bytes = FrameCodec.encode(message);
		FrameReader reader = new FrameReader(ChunkedChannel.of(bytes), MAX_FRAME_BYTES);
		Frame frame = reader.next();
		assertThat(frame.type()).isEqualTo(message.type());
		assertThat(FrameCodec.decode(frame)).isEqualTo(message);
		assertThat(reader.next()).isNull();
	}

	@ParameterizedTest
	@MethodSource("messages")
	void everyMessageDecodesFromADirectBuffer(Message message) {
		byte[] payload = payloadOf(FrameCodec.encode(message));
		ByteBuffer direct = ByteBuffer.allocateDirect(payload.length).put(payload).flip();
		assertThat(FrameCodec.decode(new Frame(message.type(), direct))).isEqualTo(message);
	}

	@ParameterizedTest
	@MethodSource("messages")
	void encodedFrameStartsWithItsLengthAndType(Message message) {
		byte[] bytes = FrameCodec.encode(message);
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		assertThat(buffer.getInt()).isEqualTo(bytes.length - Frame.LENGTH_FIELD_BYTES);
		assertThat(buffer.get() & 0xFF).isEqualTo(message.type().code());
	}

	/**
	 * Each write kind with the frame the protocol wrote for it before the write model
	 * was one {@link WriteCommand} type (recorded from the records {@code Message.Set},
	 * {@code Message.Delete}, {@code Message.CompareAndSet}, {@code Message.Increment},
	 * {@code Message.Broadcast} and {@code Message.Error}): workers and masters of either
	 * version understand each other.
	 */
	static List<Arguments> framesOfTheReleasedProtocol() {
		return List.of(
				Arguments.of(new WriteCommand.SetValue(300, "ключ", json("{\"a\":1}"), 0x0102030405060708L),
						"0000001c10ac0208d0bad0bbd18ed187077b2261223a317d0102030405060708"),
				Arguments.of(new WriteCommand.DeleteKey(7, "k", -2), "0000000c1107016bfffffffffffffffe"),
				Arguments.of(new WriteCommand.CompareAndSetValue(8, "k", null, json("2"), 5),
						"0000000f1208016b0001320000000000000005"),
				Arguments.of(new WriteCommand.CompareAndSetValue(9, "k", json("1"), json("2"), 6),
						"000000101209016b023101320000000000000006"),
				Arguments.of(new WriteCommand.IncrementValue(10, "n", -3, 7), "0000000d130a016e050000000000000007"),
				Arguments.of(new WriteCommand.BroadcastAll(11), "00000002140b"),
				Arguments.of(new Message.Reply(12, new WriteOutcome(13, true, -14)), "00000005220c0d011b"),
				Arguments.of(new Message.Failure(15, ErrorCode.CONFLICT, "no"), "00000006300f02026e6f"));
	}

	@ParameterizedTest
	@MethodSource("framesOfTheReleasedProtocol")
	void writeMessagesKeepTheFramesOfTheReleasedProtocol(Message message, String frame) {
		byte[] released = HexFormat.of().parseHex(frame);
		assertThat(FrameCodec.encode(message)).isEqualTo(released);
		assertThat(FrameCodec.decode(released)).isEqualTo(message);
		assertThat(FrameCodec.encode(FrameCodec.decode(released))).isEqualTo(released);
	}

	@Test
	void setIsWrittenInTheDocumentedLayout() {
		byte[] bytes = FrameCodec.encode(new WriteCommand.SetValue(1, "k", json("1"), 0x0102030405060708L));
		assertThat(bytes).containsExactly(bytes(0, 0, 0, 14, // length: type + 13 payload bytes
				0x10, // SET
				0x01, // seq varint
				0x01, 'k', // key: varint length, UTF-8
				0x01, '1', // value: varint length, bytes
				1, 2, 3, 4, 5, 6, 7, 8)); // originNanos, fixed 8 bytes big-endian
	}

	@Test
	void varintsUseSevenBitGroupsLeastSignificantFirst() {
		byte[] bytes = FrameCodec.encode(new Message.Resync(300));
		assertThat(bytes).containsExactly(bytes(0, 0, 0, 3, 0x04, 0xAC, 0x02));
		assertThat(FrameCodec.encode(new Message.Resync(Long.MAX_VALUE))).hasSize(Frame.HEADER_BYTES + 9);
	}

	@Test
	void incrementDeltaIsZigZagEncoded() {
		assertThat(payloadOf(FrameCodec.encode(new WriteCommand.IncrementValue(0, "c", -1, 0)))).startsWith(0x00,
				0x01, 'c', 0x01);
		assertThat(payloadOf(FrameCodec.encode(new WriteCommand.IncrementValue(0, "c", 1, 0)))).startsWith(0x00,
				0x01, 'c', 0x02);
		assertThat(payloadOf(FrameCodec.encode(new WriteCommand.IncrementValue(0, "c", -2, 0)))).startsWith(0x00,
				0x01, 'c', 0x03);
	}

	@Test
	void absentValueIsWrittenAsZeroAndEmptyValueAsOne() {
		byte[] deleted = payloadOf(FrameCodec.encode(new Message.Applied(1, 5, "k", null, 0, 0, 0)));
		byte[] empty = payloadOf(FrameCodec.encode(new Message.Applied(1, 5, "k", new byte[0], 0, 0, 0)));
		assertThat(deleted).startsWith(0x01, 0x05, 0x01, 'k', 0x00);
		assertThat(empty).startsWith(0x01, 0x05, 0x01, 'k', 0x01);
		assertThat(((Message.Applied) decode(FrameType.APPLIED, deleted)).value()).isNull();
		assertThat(((Message.Applied) decode(FrameType.APPLIED, empty)).value()).isEmpty();
	}

	@Test
	void nonAsciiStringsAreWrittenAsUtf8() {
		byte[] payload = payloadOf(FrameCodec.encode(new WriteCommand.DeleteKey(0, NON_ASCII, 0)));
		byte[] utf8 = NON_ASCII.getBytes(StandardCharsets.UTF_8);
		assertThat(payload[1]).isEqualTo((byte) utf8.length);
		assertThat(Arrays.copyOfRange(payload, 2, 2 + utf8.length)).isEqualTo(utf8);
	}

	@Test
	void decodedMessageDoesNotShareTheFrameBuffer() {
		byte[] payload = payloadOf(FrameCodec.encode(new WriteCommand.SetValue(1, "k", json("\"v\""), 0)));
		WriteCommand.SetValue decoded = (WriteCommand.SetValue) decode(FrameType.SET, payload);
		Arrays.fill(payload, (byte) 0);
		assertThat(decoded.value()).isEqualTo(json("\"v\""));
	}

	@ParameterizedTest
	@MethodSource("messages")
	void everyTruncatedPayloadIsRejected(Message message) {
		byte[] payload = payloadOf(FrameCodec.encode(message));
		for (int length = 0; length < payload.length; length++) {
			byte[] prefix = Arrays.copyOf(payload, length);
			assertThatExceptionOfType(ProtocolException.class).as("prefix of %d bytes", length)
				.isThrownBy(() -> decode(message.type(), prefix))
				.withMessageStartingWith("Malformed " + message.type() + " frame: ");
		}
	}

	@ParameterizedTest
	@MethodSource("messages")
	void extraTrailingBytesAreRejected(Message message) {
		byte[] payload = payloadOf(FrameCodec.encode(message));
		byte[] longer = Arrays.copyOf(payload, payload.length + 2);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(message.type(), longer))
			.withMessage("Malformed " + message.type() + " frame: 2 unexpected bytes after the last field");
	}

	@Test
	void unknownTypeCodeIsRejectedWithTheCode() {
		FrameReader reader = new FrameReader(ChunkedChannel.of(bytes(0, 0, 0, 2, 0x7F, 0x00)), MAX_FRAME_BYTES);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(reader::next)
			.withMessage("Unknown frame type 0x7f");
	}

	@Test
	void everyUnassignedTypeCodeIsRejected() {
		EnumSet<FrameType> seen = EnumSet.noneOf(FrameType.class);
		for (int code = 0; code < 256; code++) {
			int typeCode = code;
			FrameType known = Arrays.stream(FrameType.values())
				.filter((type) -> type.code() == typeCode)
				.findFirst()
				.orElse(null);
			if (known != null) {
				assertThat(FrameType.ofCode(code)).isSameAs(known);
				seen.add(known);
			}
			else {
				assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> FrameType.ofCode(typeCode))
					.withMessage("Unknown frame type 0x%02x", typeCode);
			}
		}
		assertThat(seen).isEqualTo(EnumSet.allOf(FrameType.class));
	}

	@Test
	void unknownErrorCodeFromANewerPeerIsReadAsInternal() {
		byte[] payload = bytes(0x05, 0x63, 0x02, 'n', 'o');
		assertThat(decode(FrameType.ERROR, payload)).isEqualTo(new Message.Failure(5, ErrorCode.INTERNAL, "no"));
	}

	@Test
	void snapshotAnnouncingMoreEntriesThanFitIsRejectedBeforeAllocatingThem() {
		// revision 1, broadcast 0, last, count Integer.MAX_VALUE, then one minimal entry:
		// a list of that capacity could not even be allocated
		byte[] payload = bytes(0x01, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00, 0x00);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.SNAPSHOT, payload))
			.withMessage("Malformed SNAPSHOT frame: count 2147483647 cannot fit in the 3 bytes left");
	}

	@Test
	void snapshotCountIsCheckedAgainstTheSmallestPossibleEntry() {
		// three minimal entries (empty key, revision 0, empty value) take 9 bytes, then an empty history and no applied sequences
		byte[] nine = bytes(0x01, 0x00, 0x01, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
		assertThat(((Message.Snapshot) decode(FrameType.SNAPSHOT, nine)).entries()).hasSize(3);
		byte[] fourAnnounced = bytes(0x01, 0x00, 0x01, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decode(FrameType.SNAPSHOT, fourAnnounced))
			.withMessage("Malformed SNAPSHOT frame: count 4 cannot fit in the 11 bytes left");
	}

	@Test
	void negativeSnapshotCountIsRejected() {
		byte[] payload = bytes(0x01, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.SNAPSHOT, payload))
			.withMessage("Malformed SNAPSHOT frame: integer -1 out of range");
	}

	@Test
	void stringLengthBeyondThePayloadIsRejectedBeforeAllocation() {
		// seq 1, key length Integer.MAX_VALUE, 3 bytes
		byte[] payload = bytes(0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 'a', 'b', 'c');
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.SET, payload))
			.withMessage("Malformed SET frame: truncated: needs 2147483647 more bytes, 3 left");
	}

	@Test
	void stringLengthOneBeyondThePayloadIsRejected() {
		byte[] payload = bytes(0x01, 0x04, 'a', 'b', 'c');
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.DELETE, payload))
			.withMessage("Malformed DELETE frame: truncated: needs 4 more bytes, 3 left");
	}

	@Test
	void bytesLengthBeyondThePayloadIsRejectedBeforeAllocation() {
		// seq 1, key "k", value length Integer.MAX_VALUE, 2 bytes
		byte[] payload = bytes(0x01, 0x01, 'k', 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.SET, payload))
			.withMessage("Malformed SET frame: truncated: needs 2147483647 more bytes, 2 left");
	}

	@Test
	void bytesLengthOverIntegerRangeIsRejected() {
		// seq 1, key "k", value length 2^31
		byte[] payload = bytes(0x01, 0x01, 'k', 0x80, 0x80, 0x80, 0x80, 0x08, 0x00);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.SET, payload))
			.withMessage("Malformed SET frame: integer 2147483648 out of range");
	}

	@Test
	void nullableBytesLengthBeyondThePayloadIsRejectedBeforeAllocation() {
		// revision 1, epoch 1, key "k", value marker Integer.MAX_VALUE + 1 (a length of Integer.MAX_VALUE)
		byte[] payload = bytes(0x01, 0x01, 0x01, 'k', 0x80, 0x80, 0x80, 0x80, 0x08, 0x00);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.APPLIED, payload))
			.withMessage("Malformed APPLIED frame: truncated: needs 2147483647 more bytes, 1 left");
	}

	@Test
	void nullableBytesLengthOverIntegerRangeIsRejected() {
		// revision 1, epoch 1, key "k", value marker Integer.MAX_VALUE + 2
		byte[] payload = bytes(0x01, 0x01, 0x01, 'k', 0x81, 0x80, 0x80, 0x80, 0x08, 0x00);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.APPLIED, payload))
			.withMessage("Malformed APPLIED frame: length 2147483648 out of range");
	}

	@Test
	void negativeNullableBytesMarkerIsRejected() {
		// revision 1, epoch 1, key "k", value marker -1 as a 10-byte varint
		byte[] payload = bytes(0x01, 0x01, 0x01, 'k', 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.APPLIED, payload))
			.withMessage("Malformed APPLIED frame: length 18446744073709551614 out of range");
		byte[] expected = bytes(0x01, 0x01, 'k', 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x00);
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> decode(FrameType.COMPARE_AND_SET, expected))
			.withMessage("Malformed COMPARE_AND_SET frame: length 18446744073709551613 out of range");
	}

	@Test
	void varintLongerThanTenBytesIsRejected() {
		byte[] payload = bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.RESYNC, payload))
			.withMessage("Malformed RESYNC frame: varint longer than 10 bytes");
	}

	@Test
	void intFieldOverIntegerRangeIsRejected() {
		// protocol version 2^31 (node ids are 64-bit, the version is not)
		byte[] payload = bytes(0x80, 0x80, 0x80, 0x80, 0x08, 0x00);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.HELLO, payload))
			.withMessage("Malformed HELLO frame: integer 2147483648 out of range");
	}

	@Test
	void booleanOtherThanZeroOrOneIsRejected() {
		byte[] payload = bytes(0x01, 0x01, 0x02);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(FrameType.REPLY, payload))
			.withMessage("Malformed REPLY frame: boolean byte 2");
	}

	@Test
	void invalidUtf8IsDecodedWithReplacementCharacters() {
		byte[] payload = bytes(0x01, 0x02, 0xC3, 0x28, 0, 0, 0, 0, 0, 0, 0, 0);
		assertThat(((WriteCommand.DeleteKey) decode(FrameType.DELETE, payload)).key()).isEqualTo("\uFFFD(");
	}

	private static Message decode(FrameType type, byte[] payload) {
		return FrameCodec.decode(new Frame(type, ByteBuffer.wrap(payload)));
	}

	private static byte[] payloadOf(byte[] frame) {
		return Arrays.copyOfRange(frame, Frame.HEADER_BYTES, frame.length);
	}

	private static byte[] json(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

}
