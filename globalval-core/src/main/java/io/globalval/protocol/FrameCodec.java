package io.globalval.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.globalval.protocol.Message.Ack;
import io.globalval.protocol.Message.Applied;
import io.globalval.protocol.Message.BroadcastAck;
import io.globalval.protocol.Message.Entry;
import io.globalval.protocol.Message.Failure;
import io.globalval.protocol.Message.Fetch;
import io.globalval.protocol.Message.Hello;
import io.globalval.protocol.Message.Ping;
import io.globalval.protocol.Message.Pong;
import io.globalval.protocol.Message.Reply;
import io.globalval.protocol.Message.Resync;
import io.globalval.protocol.Message.Snapshot;
import io.globalval.protocol.Message.Welcome;
import io.globalval.protocol.WriteCommand.BroadcastAll;
import io.globalval.protocol.WriteCommand.CompareAndSetValue;
import io.globalval.protocol.WriteCommand.DeleteKey;
import io.globalval.protocol.WriteCommand.IncrementValue;
import io.globalval.protocol.WriteCommand.SetValue;

/**
 * Turns {@link Message messages} into complete frames (length, type, payload) and
 * {@link Frame frames} back into messages. Stateless and thread-safe.
 */
public final class FrameCodec {

	/** Bytes a snapshot entry takes at the least: key length, revision and value length. */
	private static final int MIN_ENTRY_BYTES = 3;

	private FrameCodec() {
	}

	/**
	 * Encode a message as one complete frame, ready to be written.
	 * @param message the message
	 * @return the frame bytes, length field included
	 */
	public static byte[] encode(Message message) {
		// the frames of every change first: this runs once per change and peer
		if (message instanceof Applied m) {
			return encodeApplied(m);
		}
		if (message instanceof Ack m) {
			return encodeAck(m.revision(), m.seq());
		}
		if (message instanceof SetValue m) {
			int size = WireWriter.varintSize(m.seq()) + WireWriter.stringSize(m.key())
					+ WireWriter.varintSize(m.value().length) + m.value().length + 8;
			return new WireWriter(FrameType.SET, size).varint(m.seq())
				.string(m.key())
				.bytes(m.value())
				.fixed64(m.originNanos())
				.toFrame();
		}
		if (message instanceof IncrementValue m) {
			return new WireWriter(FrameType.INCREMENT, 32 + m.key().length() * 3).varint(m.seq())
				.string(m.key())
				.signed(m.delta())
				.fixed64(m.originNanos())
				.toFrame();
		}
		if (message instanceof Pong m) {
			return new WireWriter(FrameType.PONG, 20).fixed64(m.nanos()).varint(m.revision()).toFrame();
		}
		if (message instanceof Ping m) {
			return new WireWriter(FrameType.PING, 20).fixed64(m.nanos()).varint(m.revision()).toFrame();
		}
		if (message instanceof Hello m) {
			return new WireWriter(FrameType.HELLO, 32 + m.appName().length() + m.nodeName().length())
				.varint(m.protocolVersion())
				.string(m.appName())
				.varint(m.lastRevision())
				.varint(m.epoch())
				.varint(m.nodeId())
				.string(m.nodeName())
				.varint(m.pid())
				.history(m.history())
				.toFrame();
		}
		if (message instanceof Welcome m) {
			return new WireWriter(FrameType.WELCOME, 24).varint(m.epoch())
				.varint(m.masterNodeId())
				.varint(m.revision())
				.bool(m.snapshotFollows())
				.varint(m.keptRevision())
				.toFrame();
		}
		if (message instanceof Snapshot m) {
			return encodeSnapshot(m);
		}
		if (message instanceof Fetch m) {
			return new WireWriter(FrameType.FETCH, 11).varint(m.afterRevision()).bool(m.wholeSnapshot()).toFrame();
		}
		if (message instanceof Resync m) {
			return new WireWriter(FrameType.RESYNC, 10).varint(m.lastRevision()).toFrame();
		}
		if (message instanceof DeleteKey m) {
			return new WireWriter(FrameType.DELETE, 24 + m.key().length() * 3).varint(m.seq())
				.string(m.key())
				.fixed64(m.originNanos())
				.toFrame();
		}
		if (message instanceof CompareAndSetValue m) {
			return new WireWriter(FrameType.COMPARE_AND_SET,
					32 + m.key().length() * 3 + m.update().length + ((m.expected() != null) ? m.expected().length : 0))
				.varint(m.seq())
				.string(m.key())
				.nullableBytes(m.expected())
				.bytes(m.update())
				.fixed64(m.originNanos())
				.toFrame();
		}
		if (message instanceof BroadcastAll m) {
			return new WireWriter(FrameType.BROADCAST, 10).varint(m.seq()).toFrame();
		}
		if (message instanceof Reply m) {
			return new WireWriter(FrameType.REPLY, 34).varint(m.seq())
				.varint(m.revision())
				.bool(m.success())
				.signed(m.number())
				.toFrame();
		}
		if (message instanceof BroadcastAck m) {
			return new WireWriter(FrameType.BROADCAST_ACK, 10).varint(m.broadcastId()).toFrame();
		}
		if (message instanceof Message.Confirm m) {
			return new WireWriter(FrameType.CONFIRM, 10).varint(m.revision()).toFrame();
		}
		if (message instanceof Failure m) {
			return new WireWriter(FrameType.ERROR, 16 + m.message().length() * 3).varint(m.seq())
				.varint(m.code().code())
				.string(m.message())
				.toFrame();
		}
		throw new IllegalArgumentException("Unknown message " + message);
	}

	private static byte[] encodeApplied(Applied m) {
		return encodeApplied(m.revision(), m.epoch(), m.key(), m.value(), m.origin(), m.seq(), m.originNanos());
	}

	/**
	 * Encode an {@link Applied} message from its fields, without the message object: the
	 * master does this once per change.
	 * @param revision the change's revision
	 * @param epoch the master's epoch
	 * @param key the key
	 * @param value the value's JSON bytes, or {@code null} for a delete
	 * @param origin the node id of the writer
	 * @param seq the writer's sequence number
	 * @param originNanos when the writer sent it, or 0
	 * @return the frame bytes, length field included
	 */
	public static byte[] encodeApplied(long revision, long epoch, String key, byte[] value, long origin, long seq,
			long originNanos) {
		int valueBytes = (value != null) ? WireWriter.varintSize(value.length + 1L) + value.length : 1;
		int size = WireWriter.varintSize(revision) + WireWriter.varintSize(epoch) + WireWriter.stringSize(key)
				+ valueBytes + WireWriter.varintSize(origin) + WireWriter.varintSize(seq) + 8;
		return new WireWriter(FrameType.APPLIED, size).varint(revision)
			.varint(epoch)
			.string(key)
			.nullableBytes(value)
			.varint(origin)
			.varint(seq)
			.fixed64(originNanos)
			.toFrame();
	}

	/**
	 * Encode an {@link Ack} message from its fields, at its exact size.
	 * @param revision the revision the write made
	 * @param seq the writer's sequence number
	 * @return the frame bytes, length field included
	 */
	public static byte[] encodeAck(long revision, long seq) {
		return new WireWriter(FrameType.ACK, WireWriter.varintSize(revision) + WireWriter.varintSize(seq))
			.varint(revision)
			.varint(seq)
			.toFrame();
	}

	private static byte[] encodeSnapshot(Snapshot m) {
		int expected = 32 + m.history().size() * 20 + m.appliedSequences().size() * 16;
		for (Entry entry : m.entries()) {
			expected += entry.key().length() + entry.value().length + 16;
		}
		WireWriter writer = new WireWriter(FrameType.SNAPSHOT, expected).varint(m.revision())
			.varint(m.broadcastId())
			.bool(m.last())
			.varint(m.entries().size());
		for (Entry entry : m.entries()) {
			writer.string(entry.key()).varint(entry.revision()).bytes(entry.value());
		}
		writer.history(m.history()).varint(m.appliedSequences().size());
		m.appliedSequences().forEach((origin, seq) -> writer.varint(origin).varint(seq));
		return writer.toFrame();
	}

	/**
	 * Decode the message in a frame. The result holds copies of every byte array, so the
	 * frame's buffer may be reused afterwards.
	 * @param frame the frame
	 * @return the message
	 * @throws ProtocolException if the payload is truncated, has extra bytes, or holds
	 * values out of range
	 */
	public static Message decode(Frame frame) {
		WireReader in = new WireReader(frame.type(), frame.payload());
		Message message = switch (frame.type()) {
			case HELLO -> new Hello(in.varint32(), in.string(), in.varint(), in.varint(), in.varint(), in.string(),
					in.varint(), in.history());
			case WELCOME -> new Welcome(in.varint(), in.varint(), in.varint(), in.bool(), in.varint());
			case SNAPSHOT -> decodeSnapshot(in);
			case RESYNC -> new Resync(in.varint());
			case FETCH -> new Fetch(in.varint(), in.bool());
			case SET -> new SetValue(in.varint(), in.string(), in.bytes(), in.fixed64());
			case DELETE -> new DeleteKey(in.varint(), in.string(), in.fixed64());
			case COMPARE_AND_SET ->
				new CompareAndSetValue(in.varint(), in.string(), in.nullableBytes(), in.bytes(), in.fixed64());
			case INCREMENT -> new IncrementValue(in.varint(), in.string(), in.signed(), in.fixed64());
			case BROADCAST -> new BroadcastAll(in.varint());
			case APPLIED -> new Applied(in.varint(), in.varint(), in.string(), in.nullableBytes(), in.varint(),
					in.varint(), in.fixed64());
			case ACK -> new Ack(in.varint(), in.varint());
			case REPLY -> new Reply(in.varint(), in.varint(), in.bool(), in.signed());
			case BROADCAST_ACK -> new BroadcastAck(in.varint());
			case ERROR -> new Failure(in.varint(), ErrorCode.ofCode(in.varint32()), in.string());
			case PING -> new Ping(in.fixed64(), in.varint());
			case PONG -> new Pong(in.fixed64(), in.varint());
			case CONFIRM -> new Message.Confirm(in.varint());
		};
		in.end();
		return message;
	}

	/**
	 * Decode a complete frame as produced by {@link #encode(Message)}, length field included.
	 * @param frame the frame bytes
	 * @return the message
	 * @throws ProtocolException if the frame is invalid
	 */
	public static Message decode(byte[] frame) {
		if (frame.length < Frame.HEADER_BYTES) {
			throw new ProtocolException("Frame of " + frame.length + " bytes is shorter than its header");
		}
		FrameType type = FrameType.ofCode(frame[Frame.LENGTH_FIELD_BYTES] & 0xFF);
		return decode(new Frame(type,
				ByteBuffer.wrap(frame, Frame.HEADER_BYTES, frame.length - Frame.HEADER_BYTES).slice()));
	}

	private static Snapshot decodeSnapshot(WireReader in) {
		long revision = in.varint();
		long broadcastId = in.varint();
		boolean last = in.bool();
		int count = in.count(MIN_ENTRY_BYTES);
		List<Entry> entries = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			entries.add(new Entry(in.string(), in.varint(), in.bytes()));
		}
		EpochHistory history = in.history();
		int origins = in.count(2);
		Map<Long, Long> applied = new LinkedHashMap<>(Math.max(4, origins * 2));
		for (int i = 0; i < origins; i++) {
			applied.put(in.varint(), in.varint());
		}
		return new Snapshot(revision, broadcastId, last, entries, history, applied);
	}

}
