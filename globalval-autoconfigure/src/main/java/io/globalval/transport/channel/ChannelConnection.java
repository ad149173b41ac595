package io.globalval.transport.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.core.NodeMetrics;
import io.globalval.core.Peer;

/**
 * One connection of a socket transport (Unix domain or TCP) and its writer thread. {@link #send} only queues; the
 * writer drains everything queued into one gathering write, so under load many frames
 * cost one system call. A peer that lets more than the configured bytes pile up is
 * disconnected rather than allowed to exhaust memory.
 */
public final class ChannelConnection implements Peer {

	private static final Logger logger = LoggerFactory.getLogger(ChannelConnection.class);

	/** Most buffers one gathering write takes (the usual IOV_MAX). */
	private static final int MAX_BATCH_FRAMES = 1024;

	private final SocketChannel channel;

	private final String description;

	private final NodeMetrics metrics;

	private final long maxQueuedBytes;

	private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final Thread writer;

	private volatile boolean writing;

	private volatile String closeWhenWritten;

	private volatile boolean closed;

	/**
	 * Wrap a connected channel and start its writer thread.
	 * @param channel the connected channel, in blocking mode
	 * @param description the peer, for logs
	 * @param metrics counts the bytes written and peers closed as too slow
	 * @param maxQueuedBytes the bytes that may wait to be written before the peer is
	 * disconnected as too slow
	 */
	public ChannelConnection(SocketChannel channel, String description, NodeMetrics metrics, long maxQueuedBytes) {
		this.channel = channel;
		this.description = description;
		this.metrics = metrics;
		this.maxQueuedBytes = maxQueuedBytes;
		this.writer = new Thread(this::writeLoop, "globalval-writer-" + description);
		this.writer.setDaemon(true);
		this.writer.start();
	}

	/**
	 * Return the channel.
	 * @return the channel
	 */
	public SocketChannel channel() {
		return this.channel;
	}

	@Override
	public void send(byte[] frame) {
		if (this.closed) {
			return;
		}
		long queued = this.queuedBytes.addAndGet(frame.length);
		if (queued > this.maxQueuedBytes) {
			logger.warn("{} has {} bytes waiting to be written, over the limit of {}; closing it as too slow",
					this.description, queued, this.maxQueuedBytes);
			this.metrics.frameRejected();
			close("too slow: " + queued + " bytes queued");
			return;
		}
		this.queue.add(frame);
	}

	@Override
	public void sendAndClose(byte[] frame, String reason) {
		this.closeWhenWritten = reason;
		send(frame);
	}

	private void writeLoop() {
		List<byte[]> batch = new ArrayList<>(MAX_BATCH_FRAMES);
		ByteBuffer[] buffers = new ByteBuffer[MAX_BATCH_FRAMES];
		try {
			while (!this.closed) {
				batch.add(this.queue.take());
				this.writing = true;
				this.queue.drainTo(batch, MAX_BATCH_FRAMES - 1);
				long total = 0;
				for (int i = 0; i < batch.size(); i++) {
					byte[] frame = batch.get(i);
					buffers[i] = ByteBuffer.wrap(frame);
					total += frame.length;
				}
				long written = 0;
				while (written < total) {
					written += this.channel.write(buffers, 0, batch.size());
				}
				this.metrics.addBytesSent(total);
				this.queuedBytes.addAndGet(-total);
				Arrays.fill(buffers, 0, batch.size(), null);
				batch.clear();
				this.writing = false;
				if (this.closeWhenWritten != null && this.queue.isEmpty()) {
					close(this.closeWhenWritten);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			if (!this.closed) {
				logger.debug("Writing to {} failed: {}", this.description, ex.toString());
				close("write failed: " + ex.getMessage());
			}
		}
	}

	/**
	 * Wait until everything queued has been written, at most for a while.
	 * @param timeoutMillis the longest wait
	 */
	public void flush(long timeoutMillis) {
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		while (!this.closed && (!this.queue.isEmpty() || this.writing) && System.nanoTime() - until < 0) {
			LockSupport.parkNanos(200_000);
		}
	}

	@Override
	public void close(String reason) {
		if (this.closed) {
			return;
		}
		this.closed = true;
		logger.debug("Closing {}: {}", this.description, reason);
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			logger.debug("Closing {} failed", this.description, ex);
		}
		this.writer.interrupt();
		this.queue.clear();
	}

	/**
	 * Return whether this connection was closed.
	 * @return whether it is closed
	 */
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public String describe() {
		return this.description;
	}

	@Override
	public String toString() {
		return this.description;
	}

}
