package io.globalval.protocol;

/**
 * The type byte of a {@link Frame}. Every type has an explicit, stable code that never
 * changes between versions; {@link #ordinal()} is never put on the wire.
 */
public enum FrameType {

	/** Worker to master, first frame of a connection: who I am and what I have. */
	HELLO(0x01),
	/** Master to worker: accepted, your node id and the master's epoch. */
	WELCOME(0x02),
	/** Master to worker: one chunk of a consistent copy of the whole map. */
	SNAPSHOT(0x03),
	/** Worker to master: I saw a gap, send me what follows this revision. */
	RESYNC(0x04),
	/** New master to a worker that is ahead of it after a failover: send me your changes after a revision. */
	FETCH(0x05),
	/** Worker to master: set a key. */
	SET(0x10),
	/** Worker to master: delete a key. */
	DELETE(0x11),
	/** Worker to master: set a key only if it holds an expected value. */
	COMPARE_AND_SET(0x12),
	/** Worker to master: add to an integer value. */
	INCREMENT(0x13),
	/** Worker to master: re-send the whole state to every worker. */
	BROADCAST(0x14),
	/** Master to worker: a change, sequenced with its revision. */
	APPLIED(0x20),
	/** Master to the origin of a set or delete: your write got this revision. */
	ACK(0x21),
	/** Master to the origin of a write that changed nothing, a repeated write, or a broadcast: the outcome. */
	REPLY(0x22),
	/** Worker to master: a broadcast snapshot has been applied. */
	BROADCAST_ACK(0x23),
	/** Worker to master: every change up to this revision has been applied here. */
	CONFIRM(0x24),
	/** Either way: a request failed, or (sequence 0) the connection is refused. */
	ERROR(0x30),
	/** Master to worker: liveness and lag probe. */
	PING(0x40),
	/** Worker to master: answer to a ping, with the worker's revision. */
	PONG(0x41);

	private static final FrameType[] BY_CODE = new FrameType[256];

	static {
		for (FrameType type : values()) {
			BY_CODE[type.code] = type;
		}
	}

	private final int code;

	FrameType(int code) {
		this.code = code;
	}

	/**
	 * Return the byte written on the wire for this type.
	 * @return the stable code, 0 to 255
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the type of a code read from the wire.
	 * @param code the unsigned type byte
	 * @return the frame type
	 * @throws ProtocolException if no type has that code
	 */
	public static FrameType ofCode(int code) {
		FrameType type = (code >= 0 && code < BY_CODE.length) ? BY_CODE[code] : null;
		if (type == null) {
			throw new ProtocolException("Unknown frame type 0x%02x".formatted(code));
		}
		return type;
	}

}
