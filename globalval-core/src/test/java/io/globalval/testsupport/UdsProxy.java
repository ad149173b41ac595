package io.globalval.testsupport;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Unix-socket proxy between workers and a master, so that a test can break their
 * connections without stopping either side.
 */
public final class UdsProxy implements AutoCloseable {

	private final ServerSocketChannel server;

	private final Path target;

	private final List<SocketChannel> open = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	/**
	 * Listen on one socket and forward to another.
	 * @param listen the socket to listen on
	 * @param target the socket to forward to
	 */
	public UdsProxy(Path listen, Path target) throws IOException {
		this.target = target;
		this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.server.bind(UnixDomainSocketAddress.of(listen));
		Thread acceptor = new Thread(this::accept, "proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private void accept() {
		while (!this.closed) {
			try {
				SocketChannel client = this.server.accept();
				SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(this.target));
				this.open.add(client);
				this.open.add(upstream);
				pump(client, upstream);
				pump(upstream, client);
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void pump(SocketChannel from, SocketChannel to) {
		Thread thread = new Thread(() -> {
			ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
			try {
				while (from.read(buffer) >= 0) {
					buffer.flip();
					while (buffer.hasRemaining()) {
						to.write(buffer);
					}
					buffer.clear();
				}
			}
			catch (IOException ex) {
				// dropped by the test, or the other side went away
			}
			closeQuietly(from);
			closeQuietly(to);
		}, "proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * Break every connection that goes through the proxy; new ones are accepted.
	 */
	public void dropAll() {
		for (SocketChannel channel : this.open) {
			closeQuietly(channel);
			this.open.remove(channel);
		}
	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		this.server.close();
		dropAll();
	}

}
