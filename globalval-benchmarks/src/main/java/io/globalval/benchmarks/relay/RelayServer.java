package io.globalval.benchmarks.relay;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The floor: a process that forwards every frame a worker sends to every other worker,
 * as read. No sequencing, no parsing beyond frame boundaries, no queue and no thread
 * hand-off: the reader of the sending worker's connection writes what it read (all the
 * complete frames of one read, in one write per recipient) straight to the others.
 */
public final class RelayServer implements AutoCloseable {

	private final ServerSocketChannel server;

	private final Path socket;

	private final List<Client> clients = new CopyOnWriteArrayList<>();

	private final LongAdder bytesSent = new LongAdder();

	private final Thread acceptor;

	private volatile boolean closed;

	private RelayServer(ServerSocketChannel server, Path socket) {
		this.server = server;
		this.socket = socket;
		this.acceptor = new Thread(this::acceptLoop, "relay-accept");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * Bind the relay's socket and start accepting.
	 * @param socket the socket path
	 * @return the relay
	 * @throws IOException if the socket cannot be bound
	 */
	public static RelayServer start(Path socket) throws IOException {
		Files.deleteIfExists(socket);
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		server.bind(UnixDomainSocketAddress.of(socket));
		return new RelayServer(server, socket);
	}

	/**
	 * Return the number of connected workers.
	 * @return the count
	 */
	public int clients() {
		return this.clients.size();
	}

	/**
	 * Return the bytes the relay has written to workers.
	 * @return the count
	 */
	public long bytesSent() {
		return this.bytesSent.sum();
	}

	private void acceptLoop() {
		while (!this.closed) {
			try {
				SocketChannel channel = this.server.accept();
				Client client = new Client(channel);
				this.clients.add(client);
				Thread reader = new Thread(() -> readLoop(client), "relay-reader-" + this.clients.size());
				reader.setDaemon(true);
				reader.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void readLoop(Client from) {
		ByteBuffer buffer = ByteBuffer.allocate(4 * RelayFrames.MAX_FRAME_BYTES);
		try {
			while (from.channel.read(buffer) >= 0) {
				int end = RelayFrames.completeFramesEnd(buffer, 0, buffer.position());
				if (end > 0) {
					ByteBuffer frames = buffer.duplicate().position(0).limit(end);
					for (Client to : this.clients) {
						if (to != from) {
							to.write(frames.duplicate());
							this.bytesSent.add(end);
						}
					}
					buffer.limit(buffer.position()).position(end);
					buffer.compact();
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// the worker went away or sent garbage: forget it
		}
		finally {
			this.clients.remove(from);
			from.close();
		}
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.server.close();
			Files.deleteIfExists(this.socket);
		}
		catch (IOException ex) {
			// closing anyway
		}
		this.clients.forEach(Client::close);
	}

	private static final class Client {

		private final SocketChannel channel;

		Client(SocketChannel channel) {
			this.channel = channel;
		}

		synchronized void write(ByteBuffer data) {
			try {
				while (data.hasRemaining()) {
					this.channel.write(data);
				}
			}
			catch (IOException ex) {
				close();
			}
		}

		void close() {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// already gone
			}
		}

	}

}
