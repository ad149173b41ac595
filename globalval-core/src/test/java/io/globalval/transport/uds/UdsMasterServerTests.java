package io.globalval.transport.uds;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.core.MasterHandler;
import io.globalval.core.MasterLock;
import io.globalval.core.NodeMetrics;
import io.globalval.core.NodeSettings;
import io.globalval.core.Peer;
import io.globalval.protocol.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * When a Unix-socket master removes a socket file it finds at its path: only when it
 * still holds the lock on the file at the lock's path and nothing answers on the socket.
 */
class UdsMasterServerTests {

	@TempDir
	Path directory;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void closeEverything() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	private <T extends AutoCloseable> T closeLater(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private NodeSettings settings() {
		return NodeSettings.builder().name("uds-test").directory(this.directory).build();
	}

	private Path socket() {
		return UdsTransport.socketFile(settings());
	}

	private boolean answers(Path socket) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			return channel.connect(UnixDomainSocketAddress.of(socket));
		}
	}

	@Test
	void staleSocketOfADeadMasterIsReplaced() throws Exception {
		MasterLock lock = closeLater(MasterLock.tryAcquire(settings()));
		try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			dead.bind(UnixDomainSocketAddress.of(socket()));
		}
		assertThat(socket()).exists();
		closeLater(UdsMasterServer.start(settings(), new SilentMaster(), lock));
		assertThat(answers(socket())).isTrue();
	}

	@Test
	void secondMasterAfterTheLockFileWasDeletedDoesNotUnlinkTheLiveSocket() throws Exception {
		MasterLock first = closeLater(MasterLock.tryAcquire(settings()));
		UdsMasterServer firstServer = closeLater(UdsMasterServer.start(settings(), new SilentMaster(), first));
		Files.delete(first.file());
		MasterLock second = closeLater(MasterLock.tryAcquire(settings()));
		assertThat(second).as("the fresh lock file is free").isNotNull();
		assertThat(first.isStillAtPath()).isFalse();
		assertThatIOException().isThrownBy(() -> UdsMasterServer.start(settings(), new SilentMaster(), second))
			.withMessageContaining("A process is listening on " + socket())
			.withMessageContaining("not removing a live socket");
		assertThat(answers(firstServer.socket())).as("the first master still serves its workers").isTrue();
	}

	@Test
	void masterWhoseLockFileWasReplacedDoesNotTouchTheSocket() throws Exception {
		MasterLock lock = closeLater(MasterLock.tryAcquire(settings()));
		Files.delete(lock.file());
		assertThatIOException().isThrownBy(() -> UdsMasterServer.start(settings(), new SilentMaster(), lock))
			.withMessageContaining("was deleted or replaced after this process took it");
		assertThat(socket()).doesNotExist();
	}

	/** A master that ignores what workers send. */
	private static final class SilentMaster implements MasterHandler {

		private final NodeMetrics metrics = new NodeMetrics();

		@Override
		public void received(Peer peer, Message message) {
		}

		@Override
		public void disconnected(Peer peer, String reason) {
		}

		@Override
		public NodeMetrics metrics() {
			return this.metrics;
		}

	}

}
