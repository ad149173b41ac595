package io.globalval.transport.channel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Reads a non-blocking channel as if it were blocking: when nothing is available, waits
 * on a selector where the channel is registered for reading. Closing the channel and
 * waking the selector ends the wait with an exception. An optional deadline bounds the
 * reading in total: once it has passed, a read fails with a
 * {@link SocketTimeoutException}, however the peer spreads its bytes. Closing this object
 * does nothing; its owner closes the channel and the selector.
 */
final class WaitingReadChannel implements ReadableByteChannel {

	private final SocketChannel channel;

	private final Selector selector;

	/** Whether {@link #deadlineNanos} applies; the reading thread only. */
	private boolean hasDeadline;

	private long deadlineNanos;

	private String deadlineReason;

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

	/**
	 * Fail every read from a moment on, until {@link #clearDeadline()}.
	 * @param deadlineNanos the moment, in {@link System#nanoTime()}
	 * @param reason what the peer failed to do in time, for the exception's message
	 */
	void setDeadline(long deadlineNanos, String reason) {
		this.deadlineNanos = deadlineNanos;
		this.deadlineReason = reason;
		this.hasDeadline = true;
	}

	/**
	 * Read without a deadline from now on.
	 */
	void clearDeadline() {
		this.hasDeadline = false;
	}

	@Override
	public int read(ByteBuffer destination) throws IOException {
		while (true) {
			long leftNanos = (this.hasDeadline) ? this.deadlineNanos - System.nanoTime() : 0;
			if (this.hasDeadline && leftNanos <= 0) {
				throw new SocketTimeoutException(this.deadlineReason);
			}
			int read = this.channel.read(destination);
			if (read != 0 || !destination.hasRemaining()) {
				return read;
			}
			if (this.hasDeadline) {
				// at least 1: a timeout of 0 would wait for ever
				this.selector.select((key) -> {
				}, Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNanos)));
			}
			else {
				this.selector.select((key) -> {
				});
			}
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
