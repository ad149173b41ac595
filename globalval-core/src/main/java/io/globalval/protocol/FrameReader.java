package io.globalval.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads frames from a blocking channel into a direct buffer of its own. Many small
 * frames arrive in one read and are returned one by one from the same buffer; a frame
 * larger than the buffer gets its own array, allocated only after its announced length
 * has been checked against the maximum, and grown as its bytes arrive rather than sized
 * by the announcement. Not thread-safe: one reader thread per connection.
 */
public final class FrameReader {

	/** Size of the reusable read buffer; most frames fit many times over. */
	static final int BUFFER_BYTES = 64 * 1024;

	/** Size of the first array of a frame larger than the buffer; it grows as bytes arrive. */
	static final int LARGE_START_BYTES = 1024 * 1024;

	private final ReadableByteChannel channel;

	private final int maxFrameBytes;

	private final ByteBuffer buffer;

	/** The payload of the frame returned last, a view of {@link #buffer}; reused, as frames are decoded at once. */
	private final ByteBuffer view;

	/** The frame returned last as it arrived, length field included, a view of {@link #buffer}. */
	private final ByteBuffer encoded;

	/** Whether {@link #encoded} shows the frame returned last (not so for a large frame). */
	private boolean encodedValid;

	private long bytesRead;

	/**
	 * Create a reader.
	 * @param channel the channel to read from, in blocking mode
	 * @param maxFrameBytes the largest accepted frame length (type and payload)
	 */
	public FrameReader(ReadableByteChannel channel, int maxFrameBytes) {
		this.channel = channel;
		this.maxFrameBytes = maxFrameBytes;
		// direct: the channel reads into it without the JDK's copy through a temporary direct buffer
		this.buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
		this.buffer.flip();
		this.view = this.buffer.duplicate();
		this.encoded = this.buffer.duplicate();
	}

	/**
	 * Read the next frame, blocking until it is complete. A frame that fits the buffer is
	 * a view of it, valid until the next call: decode it before reading on.
	 * @return the frame, or {@code null} when the peer closed the connection between frames
	 * @throws FrameTooLargeException if the frame announces a length over the maximum
	 * @throws ProtocolException if the length is invalid, the type unknown, or the peer
	 * closed the connection in the middle of a frame
	 * @throws IOException if reading fails
	 */
	public Frame next() throws IOException {
		if (!fill(Frame.LENGTH_FIELD_BYTES, 0)) {
			return null;
		}
		int length = this.buffer.getInt(this.buffer.position());
		if (length < 1) {
			throw new ProtocolException("Invalid frame length " + length);
		}
		if (length > this.maxFrameBytes) {
			throw new FrameTooLargeException(Integer.toUnsignedLong(length), this.maxFrameBytes);
		}
		int total = Frame.LENGTH_FIELD_BYTES + length;
		if (total <= this.buffer.capacity()) {
			fill(total, total);
			int start = this.buffer.position();
			FrameType type = FrameType.ofCode(this.buffer.get(start + Frame.LENGTH_FIELD_BYTES) & 0xFF);
			this.view.limit(start + total).position(start + Frame.HEADER_BYTES);
			this.encoded.limit(start + total).position(start);
			this.encodedValid = true;
			this.buffer.position(start + total);
			return new Frame(type, this.view);
		}
		this.encodedValid = false;
		return readLarge(length);
	}

	/**
	 * Return the frame that {@link #next()} returned last as it arrived, length field
	 * included: a view of the read buffer, valid until the next call to {@link #next()}.
	 * @return the frame's bytes from position to limit, or {@code null} for a frame larger
	 * than the read buffer (its header is not kept) or before the first frame
	 */
	public ByteBuffer lastFrameBytes() {
		return (this.encodedValid) ? this.encoded : null;
	}

	/**
	 * Read a frame that does not fit the buffer into an array of its own. The array
	 * starts at {@link #LARGE_START_BYTES} and doubles as bytes arrive, so a peer that
	 * announces a large frame and sends little of it holds little memory: never more than
	 * twice what it sent, or the start size.
	 */
	private Frame readLarge(int length) throws IOException {
		this.buffer.position(this.buffer.position() + Frame.LENGTH_FIELD_BYTES);
		ByteBuffer large = ByteBuffer.allocate(Math.min(length, LARGE_START_BYTES));
		int fromBuffer = Math.min(this.buffer.remaining(), length);
		large.put(large.position(), this.buffer, this.buffer.position(), fromBuffer);
		large.position(fromBuffer);
		this.buffer.position(this.buffer.position() + fromBuffer);
		while (large.position() < length) {
			if (!large.hasRemaining()) {
				// never overflows: capacity is at most length, below the int maximum
				ByteBuffer grown = ByteBuffer.allocate((int) Math.min(length, 2L * large.capacity()));
				large = grown.put(large.flip());
			}
			int read = this.channel.read(large);
			if (read < 0) {
				throw midFrame(Frame.LENGTH_FIELD_BYTES + large.position(), Frame.LENGTH_FIELD_BYTES + length);
			}
			this.bytesRead += read;
		}
		large.flip();
		FrameType type = FrameType.ofCode(large.get() & 0xFF);
		return new Frame(type, large.slice());
	}

	/**
	 * Return whether a whole frame is already buffered, so that {@link #next()} returns
	 * without reading (or throws for an invalid length); when not, the next call may wait
	 * for the peer.
	 * @return whether a complete frame is buffered
	 */
	public boolean hasCompleteFrame() {
		int remaining = this.buffer.remaining();
		if (remaining < Frame.LENGTH_FIELD_BYTES) {
			return false;
		}
		int length = this.buffer.getInt(this.buffer.position());
		return length < 1 || length > this.maxFrameBytes || remaining - Frame.LENGTH_FIELD_BYTES >= length;
	}

	/**
	 * Make at least {@code needed} bytes available at the buffer's position.
	 * @return false on end of stream
	 * @throws ProtocolException on end of stream after part of a frame
	 */
	private boolean fill(int needed, int frameTotal) throws IOException {
		if (this.buffer.remaining() >= needed) {
			return true;
		}
		this.buffer.compact();
		try {
			while (this.buffer.position() < needed) {
				int read = this.channel.read(this.buffer);
				if (read < 0) {
					if (this.buffer.position() == 0) {
						return false;
					}
					throw midFrame(this.buffer.position(), (frameTotal > 0) ? frameTotal : needed);
				}
				this.bytesRead += read;
			}
		}
		finally {
			this.buffer.flip();
		}
		return true;
	}

	private static ProtocolException midFrame(int received, int expected) {
		return new ProtocolException(
				"Peer closed the connection mid-frame (" + received + " of " + expected + " bytes received)");
	}

	/**
	 * Return how many bytes this reader has read from its channel.
	 * @return the byte count
	 */
	public long bytesRead() {
		return this.bytesRead;
	}

}
