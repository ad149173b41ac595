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
 * A worker's connection to the relay: {@link #send} writes a frame on the caller's
 * thread (one system call, no queue); one reader thread hands every frame that arrives
 * to a consumer, on that thread.
 */
public final class RelayClient implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RelayClient.class);

	private final SocketChannel channel;

	private final Thread reader;

	private final BiConsumer<String, byte[]> consumer;

	private volatile boolean closed;

	private long bytesSent;

	private RelayClient(SocketChannel channel, BiConsumer<String, byte[]> consumer) {
		this.channel = channel;
		this.consumer = consumer;
		this.reader = new Thread(this::readLoop, "relay-client-reader");
		this.reader.setDaemon(true);
		this.reader.start();
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
	 * Write one frame, blocking until the kernel took it.
	 * @param frame the frame
	 * @throws IOException if writing fails
	 */
	public synchronized void send(byte[] frame) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(frame);
		while (buffer.hasRemaining()) {
			this.channel.write(buffer);
		}
		this.bytesSent += frame.length;
	}

	/**
	 * Return the bytes this client has written.
	 * @return the count
	 */
	public synchronized long bytesSent() {
		return this.bytesSent;
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
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// already gone
		}
	}

}
