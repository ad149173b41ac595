package io.globalval.transport.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.core.NodeMetrics;
import io.globalval.core.Peer;
import io.globalval.protocol.Message;

/**
 * One connection of a socket transport (Unix domain or TCP), in non-blocking mode, and
 * its writer thread.
 * <p>
 * Writing: frames wait in one queue, in order, and leave through one direct buffer of
 * the connection's own (the outbox): they are copied into it and it is written with one
 * plain write. (A gathering write of heap buffers would make the JDK copy each frame into
 * a temporary direct buffer of its own, taken from, and often allocated and zeroed
 * for, a per-thread cache.) When the connection is idle (nothing
 * written for {@link #IDLE_NANOS}), {@link #send} and {@link #flush()} write what is
 * queued at once, on the caller's thread, with one non-blocking write: no
 * thread hand-off on a lightly loaded link. Otherwise the writer thread owns the queue
 * until it has written all of it: under a stream of frames it gathers what piles up
 * while it runs into one write, as a receiver woken per frame would cost throughput. It
 * also takes over when the kernel takes less than was offered (the peer is not reading
 * fast enough), and then waits until the socket is writable. Frames sent meanwhile only
 * join the queue, and callers never wait for the peer. {@link #append} queues without writing, so that
 * a batch of frames leaves in one write at the next flush. A lock keeps writes of
 * different threads from interleaving; it is never held while waiting for the peer. A
 * peer that lets more than the configured bytes pile up is disconnected rather than
 * allowed to exhaust memory.
 * <p>
 * Reading: {@link #readFrames} runs on the caller's thread, which waits for data on a
 * selector of its own.
 * <p>
 * Over 350 lines because direct writes, the writer thread's writes, the outbox, the queue
 * limit and the reader share the connection's buffers and its one lock.
 */
public final class ChannelConnection implements Peer {

	private static final Logger logger = LoggerFactory.getLogger(ChannelConnection.class);

	/** Size of the outbox, the direct buffer frames are copied into to be written. */
	static final int OUTBOX_BYTES = 64 * 1024;

	/** Bytes {@link #append} lets wait before it writes anyway, so a large batch (a snapshot) never nears the limit. */
	private static final long MAX_CORKED_BYTES = 256 * 1024;

	/** How long after a write the connection counts as busy, and frames go through the writer thread. */
	static final long IDLE_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

	/** How long the writer waits for writability before it checks again; a safety net only. */
	private static final long WRITABLE_WAIT_MILLIS = 1000;

	private final SocketChannel channel;

	private final String description;

	private final NodeMetrics metrics;

	private final long maxQueuedBytes;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition backlogged = this.lock.newCondition();

	// guarded by lock

	/** Frames not yet copied into the outbox. */
	private final ArrayDeque<byte[]> queue = new ArrayDeque<>();

	/** Bytes of the queue's first frame already copied into the outbox. */
	private int headCopied;

	/**
	 * Bytes copied from the queue and not yet written, between position and limit.
	 * Used by the thread that writes: under the lock while the writer thread does not
	 * own the queue, by the writer thread alone (outside the lock too) while it does.
	 */
	private final ByteBuffer outbox = ByteBuffer.allocateDirect(OUTBOX_BYTES).flip();

	/** Whether the writer thread owns the queue, until it has written all of it. */
	private boolean handedOff;

	/** When this connection last wrote; its first write counts as idle. */
	private long lastWriteNanos = System.nanoTime() - IDLE_NANOS;

	// written under lock, read anywhere

	private volatile long queuedBytes;

	private volatile String closeWhenWritten;

	private final Selector writable;

	private final Thread writer;

	private volatile Selector readable;

	private volatile boolean closed;

	/**
	 * Wrap a connected channel, switch it to non-blocking mode and start its writer
	 * thread.
	 * @param channel the connected channel, its handshake (if any) done
	 * @param description the peer, for logs
	 * @param metrics counts the bytes written and peers closed as too slow
	 * @param maxQueuedBytes the bytes that may wait to be written before the peer is
	 * disconnected as too slow
	 * @throws IOException if the channel cannot be made non-blocking
	 */
	public ChannelConnection(SocketChannel channel, String description, NodeMetrics metrics, long maxQueuedBytes)
			throws IOException {
		this.channel = channel;
		this.description = description;
		this.metrics = metrics;
		this.maxQueuedBytes = maxQueuedBytes;
		channel.configureBlocking(false);
		this.writable = Selector.open();
		try {
			channel.register(this.writable, SelectionKey.OP_WRITE);
		}
		catch (IOException ex) {
			this.writable.close();
			throw ex;
		}
		this.writer = new Thread(this::writeLoop, "globalval-writer-" + description);
		this.writer.setDaemon(true);
		this.writer.start();
	}

	/**
	 * Return the channel.
	 * @return the channel, in non-blocking mode
	 */
	public SocketChannel channel() {
		return this.channel;
	}

	@Override
	public void send(byte[] frame) {
		if (this.closed) {
			return;
		}
		this.lock.lock();
		try {
			if (enqueue(frame)) {
				writeQueued();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Queue a frame without writing it; it leaves with the next {@link #send} or
	 * {@link #flush()}, or earlier if the writer thread is draining a backlog or more
	 * than {@link #MAX_CORKED_BYTES} wait.
	 * @param frame the frame bytes, not modified afterwards by the caller
	 */
	@Override
	public void append(byte[] frame) {
		if (this.closed) {
			return;
		}
		this.lock.lock();
		try {
			if (enqueue(frame) && this.queuedBytes >= MAX_CORKED_BYTES) {
				writeQueued();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Queue frames and write the queue, under one acquisition of the lock.
	 * @param frames the frames, not modified afterwards by the caller
	 */
	@Override
	public void sendAll(List<byte[]> frames) {
		if (this.closed) {
			return;
		}
		this.lock.lock();
		try {
			for (int i = 0; i < frames.size(); i++) {
				if (!enqueue(frames.get(i))) {
					return;
				}
				if (this.queuedBytes >= MAX_CORKED_BYTES) {
					writeQueued();
				}
			}
			writeQueued();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Write what is queued, on this thread, unless the writer thread is draining a
	 * backlog (it then writes it). Never waits for the peer.
	 */
	@Override
	public void flush() {
		if (this.closed) {
			return;
		}
		this.lock.lock();
		try {
			writeQueued();
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void sendAndClose(byte[] frame, String reason) {
		if (this.closed) {
			return;
		}
		this.lock.lock();
		try {
			this.closeWhenWritten = reason;
			if (enqueue(frame)) {
				writeQueued();
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Add a frame to the queue, or close the connection if that takes it over the limit.
	 * Called with the lock held.
	 * @return whether the frame was queued
	 */
	private boolean enqueue(byte[] frame) {
		long queued = this.queuedBytes + frame.length;
		if (queued > this.maxQueuedBytes) {
			logger.warn("{} has {} bytes waiting to be written, over the limit of {}; closing it as too slow",
					this.description, queued, this.maxQueuedBytes);
			this.metrics.frameRejected();
			close("too slow: " + queued + " bytes queued");
			return false;
		}
		this.queue.add(frame);
		this.queuedBytes = queued;
		return true;
	}

	/**
	 * Write the queue on this thread if the connection is idle and the writer does not
	 * own the queue; hand it, or what the kernel does not take, to the writer otherwise.
	 * Called with the lock held.
	 */
	private void writeQueued() {
		if (this.handedOff || this.closed || !hasUnwritten()) {
			return;
		}
		if (System.nanoTime() - this.lastWriteNanos < IDLE_NANOS) {
			this.handedOff = true;
			this.backlogged.signal();
			return;
		}
		try {
			writeSome();
		}
		catch (IOException ex) {
			writeFailed(ex);
			return;
		}
		if (hasUnwritten()) {
			this.handedOff = true;
			this.backlogged.signal();
		}
		else if (this.closeWhenWritten != null) {
			close(this.closeWhenWritten);
		}
	}

	/**
	 * Write queued frames until the queue is empty or the kernel takes less than offered.
	 * Called with the lock held.
	 */
	private void writeSome() throws IOException {
		while (true) {
			fillOutbox();
			int offered = this.outbox.remaining();
			if (offered == 0) {
				return;
			}
			int written = this.channel.write(this.outbox);
			this.lastWriteNanos = System.nanoTime();
			wrote(written);
			if (written < offered) {
				return;
			}
		}
	}

	/** Whether frames wait, copied into the outbox or not. Called with the lock held. */
	private boolean hasUnwritten() {
		return this.outbox.hasRemaining() || !this.queue.isEmpty();
	}

	/**
	 * Copy queued frames into the outbox while it has room, a frame larger than the room
	 * in parts. Called with the lock held, by the thread that writes.
	 */
	private void fillOutbox() {
		if (this.queue.isEmpty() || this.outbox.remaining() == this.outbox.capacity()) {
			return;
		}
		this.outbox.compact();
		try {
			while (this.outbox.hasRemaining()) {
				byte[] head = this.queue.peekFirst();
				if (head == null) {
					return;
				}
				int length = Math.min(head.length - this.headCopied, this.outbox.remaining());
				this.outbox.put(head, this.headCopied, length);
				this.headCopied += length;
				if (this.headCopied == head.length) {
					this.queue.pollFirst();
					this.headCopied = 0;
				}
			}
		}
		finally {
			this.outbox.flip();
		}
	}

	/**
	 * The writer thread: once handed the queue it owns writing until the queue is empty,
	 * so it writes outside the lock (senders meanwhile only add at the tail, never
	 * waiting for a system call), and waits for writability when the kernel takes less
	 * than offered. When it has written everything it yields once before it looks at the
	 * queue again, and gives the queue back only if it is still empty: under a stream of
	 * frames the next batch is then usually there, and neither a wake-up nor a park is
	 * paid for it. One yield per write, never a spin.
	 */
	private void writeLoop() {
		try {
			while (!this.closed) {
				this.lock.lock();
				try {
					while (!this.handedOff && !this.closed) {
						this.backlogged.await();
					}
					if (this.closed) {
						return;
					}
					fillOutbox();
					if (!this.outbox.hasRemaining()) {
						writtenAll();
						continue;
					}
				}
				finally {
					this.lock.unlock();
				}
				int offered = this.outbox.remaining();
				int written = this.channel.write(this.outbox);
				boolean drained;
				this.lock.lock();
				try {
					this.lastWriteNanos = System.nanoTime();
					if (this.closed) {
						return;
					}
					wrote(written);
					drained = !hasUnwritten();
				}
				finally {
					this.lock.unlock();
				}
				if (written < offered) {
					this.writable.select((key) -> {
					}, WRITABLE_WAIT_MILLIS);
				}
				else if (drained) {
					// all written: before it gives the queue back and parks, let the senders
					// run once; what they queue meanwhile leaves with the next write, without
					// a wake-up (on a busy machine most of the cost of a hand-off)
					Thread.yield();
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			writeFailed(ex);
		}
		finally {
			closeQuietly(this.writable);
		}
	}

	/** Count bytes the kernel took. Called with the lock held. */
	private void wrote(long written) {
		if (written > 0) {
			this.metrics.addBytesSent(written);
			this.queuedBytes -= written;
		}
	}

	/** The writer has emptied the queue: senders write directly again. Called with the lock held. */
	private void writtenAll() {
		this.handedOff = false;
		if (this.closeWhenWritten != null) {
			close(this.closeWhenWritten);
		}
	}

	private void writeFailed(IOException ex) {
		if (!this.closed) {
			logger.debug("Writing to {} failed: {}", this.description, ex.toString());
			close("write failed: " + ex.getMessage());
		}
	}

	/**
	 * Read frames on this thread until the peer closes the connection or it is closed,
	 * waiting for data on a selector.
	 * @param maxFrameBytes the frame limit
	 * @param metrics counts the bytes read
	 * @param handler receives each message
	 * @throws IOException if reading fails, or the connection was closed
	 * @throws io.globalval.protocol.ProtocolException if the peer sends an invalid frame
	 */
	public void readFrames(int maxFrameBytes, NodeMetrics metrics, Consumer<Message> handler) throws IOException {
		readFrames(maxFrameBytes, metrics, 0, handler, null);
	}

	/**
	 * Read frames on this thread until the peer closes the connection or it is closed,
	 * waiting for data on a selector; the peer's first HELLO must arrive within a total
	 * time from now, however it spreads its bytes; a task runs whenever the frames read so
	 * far are all handled.
	 * @param maxFrameBytes the frame limit
	 * @param metrics counts the bytes read
	 * @param helloTimeoutNanos how long the peer has to send a complete HELLO, or 0 for
	 * no limit
	 * @param handler receives each message
	 * @param endOfBatch run before a read that may wait, or {@code null}
	 * @throws java.net.SocketTimeoutException if no HELLO arrived in time
	 * @throws IOException if reading fails, or the connection was closed
	 * @throws io.globalval.protocol.ProtocolException if the peer sends an invalid frame
	 */
	public void readFrames(int maxFrameBytes, NodeMetrics metrics, long helloTimeoutNanos, Consumer<Message> handler,
			Runnable endOfBatch)
			throws IOException {
		readFramesWithBytes(maxFrameBytes, metrics, helloTimeoutNanos, (message, frame) -> handler.accept(message),
				endOfBatch);
	}

	/**
	 * Read frames as {@link #readFrames(int, NodeMetrics, long, Consumer, Runnable)} does,
	 * handing on each message with its frame as it arrived.
	 * @param maxFrameBytes the frame limit
	 * @param metrics counts the bytes read
	 * @param helloTimeoutNanos how long the peer has to send a complete HELLO, or 0 for
	 * no limit
	 * @param handler receives each message and its encoded frame (length field included,
	 * from position to limit), a view valid only during the call, or {@code null} for a
	 * frame larger than the read buffer
	 * @param endOfBatch run before a read that may wait, or {@code null}
	 * @throws java.net.SocketTimeoutException if no HELLO arrived in time
	 * @throws IOException if reading fails, or the connection was closed
	 * @throws io.globalval.protocol.ProtocolException if the peer sends an invalid frame
	 */
	public void readFramesWithBytes(int maxFrameBytes, NodeMetrics metrics, long helloTimeoutNanos,
			BiConsumer<Message, ByteBuffer> handler, Runnable endOfBatch) throws IOException {
		try (Selector selector = Selector.open()) {
			this.readable = selector;
			if (this.closed) {
				throw new IOException("closed");
			}
			this.channel.register(selector, SelectionKey.OP_READ);
			WaitingReadChannel reading = new WaitingReadChannel(this.channel, selector);
			BiConsumer<Message, ByteBuffer> receiver = handler;
			if (helloTimeoutNanos > 0) {
				reading.setDeadline(System.nanoTime() + helloTimeoutNanos, "sent no HELLO within %d ms of being admitted"
					.formatted(TimeUnit.NANOSECONDS.toMillis(helloTimeoutNanos)));
				receiver = (message, frame) -> {
					if (message instanceof Message.Hello) {
						reading.clearDeadline();
					}
					handler.accept(message, frame);
				};
			}
			FrameLoop.run(reading, maxFrameBytes, metrics, receiver, endOfBatch);
		}
		finally {
			this.readable = null;
		}
	}

	/**
	 * Write what is queued and wait until it has been written, at most for a while.
	 * @param timeoutMillis the longest wait
	 */
	public void flush(long timeoutMillis) {
		flush();
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		while (!this.closed && this.queuedBytes > 0 && System.nanoTime() - until < 0) {
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
		Selector reading = this.readable;
		if (reading != null) {
			reading.wakeup();
		}
		this.writable.wakeup();
		this.lock.lock();
		try {
			this.backlogged.signalAll();
			// the outbox is left alone: the writer thread may be writing it
			this.queue.clear();
			this.headCopied = 0;
			this.queuedBytes = 0;
		}
		finally {
			this.lock.unlock();
		}
	}

	private void closeQuietly(Selector selector) {
		try {
			selector.close();
		}
		catch (IOException ex) {
			logger.debug("Closing a selector of {} failed", this.description, ex);
		}
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
