package io.globalval.transport.channel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Reads a non-blocking channel as if it were blocking: when nothing is available, waits
 * on a selector where the channel is registered for reading. Closing the channel and
 * waking the selector ends the wait with an exception. Closing this object does nothing;
 * its owner closes the channel and the selector.
 */
final class WaitingReadChannel implements ReadableByteChannel {

	private final SocketChannel channel;

	private final Selector selector;

	/**
	 * Wrap a channel.
	 * @param channel the channel, in non-blocking mode
	 * @param selector a selector of the reading thread, where the channel is registered
	 * for {@link java.nio.channels.SelectionKey#OP_READ}
	 */
	WaitingReadChannel(SocketChannel channel, Selector selector) {
		this.channel = channel;
		this.selector = selector;
	}

	@Override
	public int read(ByteBuffer destination) throws IOException {
		while (true) {
			int read = this.channel.read(destination);
			if (read != 0 || !destination.hasRemaining()) {
				return read;
			}
			this.selector.select((key) -> {
			});
			if (Thread.currentThread().isInterrupted()) {
				throw new InterruptedIOException("Interrupted while waiting to read");
			}
		}
	}

	@Override
	public boolean isOpen() {
		return this.channel.isOpen();
	}

	@Override
	public void close() {
	}

}
