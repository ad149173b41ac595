package io.globalval.protocol;

import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A blocking channel stand-in that hands out the given chunks, at most one per
 * {@code read} call (a chunk larger than the caller's buffer is handed out over several
 * calls), and then reports end of stream. When built with {@link #thenBlock}, a read
 * after the last chunk fails the test instead, because a real socket would block there.
 */
final class ChunkedChannel implements ReadableByteChannel {

	private final Deque<ByteBuffer> chunks = new ArrayDeque<>();

	private final boolean blockAtEnd;

	private int reads;

	private ChunkedChannel(List<byte[]> chunks, boolean blockAtEnd) {
		chunks.forEach((chunk) -> this.chunks.add(ByteBuffer.wrap(chunk)));
		this.blockAtEnd = blockAtEnd;
	}

	static ChunkedChannel of(byte[]... chunks) {
		return new ChunkedChannel(Arrays.asList(chunks), false);
	}

	static ChunkedChannel of(List<byte[]> chunks) {
		return new ChunkedChannel(chunks, false);
	}

	static ChunkedChannel thenBlock(byte[]... chunks) {
		return new ChunkedChannel(Arrays.asList(chunks), true);
	}

	/**
	 * Split bytes at the given offsets.
	 * @param bytes the bytes
	 * @param offsets increasing offsets strictly between 0 and {@code bytes.length}
	 * @return a channel handing out the pieces
	 */
	static ChunkedChannel splitAt(byte[] bytes, int... offsets) {
		ChunkedChannel channel = new ChunkedChannel(List.of(), false);
		int start = 0;
		for (int offset : offsets) {
			channel.chunks.add(ByteBuffer.wrap(bytes, start, offset - start).slice());
			start = offset;
		}
		channel.chunks.add(ByteBuffer.wrap(bytes, start, bytes.length - start).slice());
		return channel;
	}

	@Override
	public int read(ByteBuffer dst) {
		this.reads++;
		while (!this.chunks.isEmpty() && !this.chunks.peek().hasRemaining()) {
			this.chunks.poll();
		}
		if (this.chunks.isEmpty()) {
			if (this.blockAtEnd) {
				throw new AssertionError("Read after the last chunk: a real channel would block here");
			}
			return -1;
		}
		if (!dst.hasRemaining()) {
			return 0;
		}
		ByteBuffer chunk = this.chunks.peek();
		int count = Math.min(chunk.remaining(), dst.remaining());
		dst.put(chunk.slice(chunk.position(), count));
		chunk.position(chunk.position() + count);
		return count;
	}

	/**
	 * Return how many times {@link #read} was called.
	 * @return the number of read calls
	 */
	int reads() {
		return this.reads;
	}

	@Override
	public boolean isOpen() {
		return true;
	}

	@Override
	public void close() {
	}

}
