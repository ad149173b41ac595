package io.globalval.benchmarks.relay;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's connection to the relay, batching as its best users would, and as
 * globalval's own connections do: {@link #send} appends a frame to a buffer; when the
 * connection is idle (nothing written for {@link #IDLE_NANOS}) the sender writes the
 * buffer at once on its own thread, so a lone frame crosses no thread; otherwise a
 * writer thread owns the buffer until it is empty and writes what piles up meanwhile in
 * one system call (up to 64 KiB), so that a stream of frames from even one sender leaves
 * in large writes. One reader thread reads in large buffers and hands every frame of a
 * read to a consumer, on that thread.
 */
public final class RelayClient implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RelayClient.class);

	/** Most bytes written at once. */
	private static final int BATCH_BYTES = 64 * 1024;

	/** How long after a write the connection counts as busy, and frames go through the writer thread. */
	private static final long IDLE_NANOS = 200_000;

	private final SocketChannel channel;

	private final Thread reader;

	private final Thread writer;

	private final BiConsumer<String, byte[]> consumer;

	private volatile boolean closed;

	private final Object lock = new Object();

	/** Frames waiting for the next write; guarded by {@link #lock}. */
	private ByteBuffer pending = ByteBuffer.allocate(BATCH_BYTES);

	/** The buffer being written, swapped with {@link #pending}; guarded by {@link #lock}. */
	private ByteBuffer writing = ByteBuffer.allocate(BATCH_BYTES);

	/** Whether a thread (a sender or the writer) is writing; guarded by {@link #lock}. */
	private boolean flushing;

	/** Whether the writer thread owns writing until the buffer is empty; guarded by {@link #lock}. */
	private boolean handedOff;

	/** When the last write ended; guarded by {@link #lock}. */
	private long lastWriteNanos = System.nanoTime() - IDLE_NANOS;

	private IOException writeFailure;

	private long bytesSent;

	private RelayClient(SocketChannel channel, BiConsumer<String, byte[]> consumer) {
		this.channel = channel;
		this.consumer = consumer;
		this.reader = new Thread(this::readLoop, "relay-client-reader");
		this.reader.setDaemon(true);
		this.reader.start();
		this.writer = new Thread(this::writeLoop, "relay-client-writer");
		this.writer.setDaemon(true);
		this.writer.start();
	}

	/**
	 * Connect to a relay.
	 * @param socket the relay's socket
	 * @param consumer receives each key and value that arrives, on the reader thread
	 * @return the client
	 * @throws IOException if it cannot connect
	 */
	public static RelayClient connect(Path socket, BiConsumer<String, byte[]> consumer) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		channel.connect(UnixDomainSocketAddress.of(socket));
		return new RelayClient(channel, consumer);
	}

	/**
	 * Send one frame: written now by this thread if the connection is idle, else by the
	 * writer thread with the frames that pile up meanwhile.
	 * @param frame the frame, at most 64 KiB
	 * @throws IOException if writing failed
	 */
	public void send(byte[] frame) throws IOException {
		if (frame.length > BATCH_BYTES) {
			throw new IllegalArgumentException("A relay frame has at most " + BATCH_BYTES + " bytes, not " + frame.length);
		}
		synchronized (this.lock) {
			if (this.writeFailure != null) {
				throw this.writeFailure;
			}
			while (this.pending.remaining() < frame.length) {
				// full: the writer drains it first
				waitForRoom();
			}
			this.pending.put(frame);
			this.bytesSent += frame.length;
			if (this.flushing) {
				return;
			}
			this.flushing = true;
			if (System.nanoTime() - this.lastWriteNanos < IDLE_NANOS) {
				this.handedOff = true;
				this.lock.notifyAll();
				return;
			}
		}
		try {
			writeUntilEmpty();
		}
		catch (IOException ex) {
			writeFailed(ex);
			throw ex;
		}
	}

	/** Remember a failed write: later sends fail with it, and nobody writes any more. */
	private void writeFailed(IOException ex) {
		synchronized (this.lock) {
			this.writeFailure = ex;
			this.flushing = false;
			this.handedOff = false;
		}
	}

	private void waitForRoom() throws IOException {
		try {
			this.lock.wait(1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while the relay client's buffer was full", ex);
		}
	}

	/** Write what is pending until nothing is: the frames added meanwhile included. */
	private void writeUntilEmpty() throws IOException {
		while (true) {
			ByteBuffer batch;
			synchronized (this.lock) {
				if (this.pending.position() == 0) {
					this.flushing = false;
					this.handedOff = false;
					return;
				}
				batch = this.pending;
				this.pending = this.writing;
				this.writing = batch;
				this.lock.notifyAll();
			}
			batch.flip();
			while (batch.hasRemaining()) {
				this.channel.write(batch);
			}
			batch.clear();
			synchronized (this.lock) {
				this.lastWriteNanos = System.nanoTime();
			}
		}
	}

	private void writeLoop() {
		while (!this.closed) {
			synchronized (this.lock) {
				while (!this.handedOff && !this.closed) {
					try {
						this.lock.wait();
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}
			if (this.closed) {
				return;
			}
			try {
				writeUntilEmpty();
			}
			catch (IOException ex) {
				writeFailed(ex);
				if (!this.closed) {
					logger.warn("Writing to the relay failed: {}", ex.toString());
				}
				return;
			}
		}
	}

	/**
	 * Return the bytes this client has written.
	 * @return the count
	 */
	public long bytesSent() {
		synchronized (this.lock) {
			return this.bytesSent;
		}
	}

	private void readLoop() {
		ByteBuffer buffer = ByteBuffer.allocate(4 * RelayFrames.MAX_FRAME_BYTES);
		try {
			while (this.channel.read(buffer) >= 0) {
				int limit = buffer.position();
				int at = 0;
				int end = RelayFrames.completeFramesEnd(buffer, 0, limit);
				while (at < end) {
					int length = buffer.getInt(at);
					int keyLength = buffer.get(at + RelayFrames.LENGTH_FIELD_BYTES + 1) & 0xFF;
					int keyAt = at + RelayFrames.LENGTH_FIELD_BYTES + 2;
					String key = new String(buffer.array(), keyAt, keyLength, StandardCharsets.ISO_8859_1);
					byte[] value = new byte[length - 2 - keyLength];
					buffer.get(keyAt + keyLength, value);
					this.consumer.accept(key, value);
					at += RelayFrames.LENGTH_FIELD_BYTES + length;
				}
				buffer.limit(limit).position(end);
				buffer.compact();
			}
		}
		catch (IOException | RuntimeException ex) {
			if (!this.closed) {
				logger.warn("Reading from the relay failed: {}", ex.toString());
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		synchronized (this.lock) {
			this.lock.notifyAll();
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// already gone
		}
	}

}
