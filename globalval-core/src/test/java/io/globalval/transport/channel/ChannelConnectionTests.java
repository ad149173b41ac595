package io.globalval.transport.channel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.core.NodeMetrics;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

/**
 * How a connection writes: on the caller's thread while the peer keeps up, through its
 * writer thread when it does not, never blocking a sender, in order, and bytes intact.
 */
class ChannelConnectionTests {

	private static final Duration BOUND = Duration.ofSeconds(20);

	@TempDir
	Path directory;

	private final NodeMetrics metrics = new NodeMetrics();

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private ServerSocketChannel server;

	@AfterEach
	void closeAll() throws Exception {
		this.threads.shutdownNow();
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	/** A connected pair: a connection on one end, a plain blocking channel (the peer) on the other. */
	private Pair connect(long maxQueuedBytes) throws IOException {
		if (this.server == null) {
			this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
			this.server.bind(UnixDomainSocketAddress.of(this.directory.resolve("test.sock")));
		}
		SocketChannel peer = SocketChannel.open(StandardProtocolFamily.UNIX);
		peer.connect(this.server.getLocalAddress());
		SocketChannel local = this.server.accept();
		local.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
		ChannelConnection connection = new ChannelConnection(local, "peer-" + this.resources.size(), this.metrics,
				maxQueuedBytes);
		this.resources.add(() -> connection.close("test over"));
		this.resources.add(peer);
		return new Pair(connection, peer);
	}

	@Test
	void frameToAnIdleConnectionIsWrittenOnTheCallersThread() throws Exception {
		Pair pair = connect(1024 * 1024);
		byte[] frame = FrameCodec.encode(new Message.Ping(1, 0));
		pair.connection().send(frame);
		// no hand-off: written before send returned
		assertThat(this.metrics.bytesSent()).isEqualTo(frame.length);
		ByteBuffer received = ByteBuffer.allocate(frame.length);
		readFully(pair.peer(), received);
		assertThat(received.array()).isEqualTo(frame);
	}

	@Test
	void peerThatStopsReadingBlocksNeitherTheSenderNorOtherPeersAndIsDisconnectedAtTheLimit() throws Exception {
		Pair stuck = connect(1024 * 1024);
		Pair reading = connect(64 * 1024 * 1024);
		AtomicLong received = new AtomicLong();
		this.threads.submit(() -> readAll(reading.peer(), received));
		byte[] frame = new byte[64 * 1024];
		CompletableFuture<Long> sending = CompletableFuture.supplyAsync(() -> {
			long sent = 0;
			while (!stuck.connection().isClosed()) {
				stuck.connection().send(frame);
				reading.connection().send(frame);
				sent += frame.length;
			}
			return sent;
		}, this.threads);
		await().atMost(BOUND).until(sending::isDone);
		long sentToReader = sending.get();
		assertThat(stuck.connection().isClosed()).isTrue();
		assertThat(this.metrics.framesRejected()).isEqualTo(1);
		long expected = sentToReader;
		await().atMost(BOUND).until(() -> received.get() == expected);
		assertThat(reading.connection().isClosed()).isFalse();
		// the stuck peer's connection was closed: it sees the end after what the kernel held
		assertThat(drainToEnd(stuck.peer())).isLessThan(sentToReader + frame.length);
	}

	@Test
	void framesOfConcurrentSendersArriveInOrderAndIntact() throws Exception {
		Pair pair = connect(256 * 1024 * 1024);
		int senders = 8;
		int perSender = 2000;
		List<List<Integer>> seen = new ArrayList<>();
		for (int i = 0; i < senders; i++) {
			seen.add(new CopyOnWriteArrayList<>());
		}
		Future<?> reader = this.threads.submit(() -> {
			readNumberedFrames(pair.peer(), senders * perSender, seen);
			return null;
		});
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> writers = new ArrayList<>();
		for (int s = 0; s < senders; s++) {
			int sender = s;
			writers.add(this.threads.submit(() -> {
				start.await();
				for (int n = 0; n < perSender; n++) {
					byte[] frame = numbered(sender, n);
					if (n % 3 == 0) {
						// corked: appended, then flushed with the next frame
						pair.connection().append(frame);
					}
					else {
						pair.connection().send(frame);
					}
				}
				pair.connection().flush();
				return null;
			}));
		}
		start.countDown();
		for (Future<?> writer : writers) {
			writer.get(BOUND.toSeconds(), TimeUnit.SECONDS);
		}
		reader.get(BOUND.toSeconds(), TimeUnit.SECONDS);
		for (int s = 0; s < senders; s++) {
			List<Integer> numbers = seen.get(s);
			assertThat(numbers).hasSize(perSender);
			for (int n = 0; n < perSender; n++) {
				assertThat(numbers.get(n)).isEqualTo(n);
			}
		}
		await().atMost(BOUND).until(() -> this.metrics.bytesSent() == totalBytes(senders, perSender));
	}

	@Test
	void framesLargerThanTheSocketBufferAreWrittenInPartsWhileThePeerReadsSlowly() throws Exception {
		Pair pair = connect(64 * 1024 * 1024);
		int frames = 8;
		int size = 1024 * 1024;
		long started = System.nanoTime();
		for (int i = 0; i < frames; i++) {
			byte[] frame = new byte[size];
			for (int b = 0; b < size; b++) {
				frame[b] = (byte) (i * 31 + b);
			}
			pair.connection().send(frame);
		}
		long sendNanos = System.nanoTime() - started;
		// the peer has read nothing yet: the sender got its thread back with most bytes queued
		assertThat(this.metrics.bytesSent()).isLessThan((long) frames * size);
		assertThat(sendNanos).isLessThan(TimeUnit.SECONDS.toNanos(10));
		ByteBuffer small = ByteBuffer.allocate(1000);
		long offset = 0;
		while (offset < (long) frames * size) {
			small.clear();
			int read = pair.peer().read(small);
			assertThat(read).isPositive();
			for (int k = 0; k < read; k++) {
				int frame = (int) (offset / size);
				int b = (int) (offset % size);
				if (small.get(k) != (byte) (frame * 31 + b)) {
					throw new AssertionError("byte " + b + " of frame " + frame + " corrupt");
				}
				offset++;
			}
		}
		await().atMost(BOUND).until(() -> this.metrics.bytesSent() == (long) frames * size);
		assertThat(pair.connection().isClosed()).isFalse();
	}

	@Test
	void framesOfEverySizeSentAppendedAndBatchedLeaveThroughTheOutboxIntactAndInOrder() throws Exception {
		Pair pair = connect(256 * 1024 * 1024);
		Random random = new Random(42);
		ByteArrayOutputStream expected = new ByteArrayOutputStream();
		int[] sizes = { 1, 5, 300, ChannelConnection.OUTBOX_BYTES - 1, ChannelConnection.OUTBOX_BYTES,
				ChannelConnection.OUTBOX_BYTES + 1, 3 * ChannelConnection.OUTBOX_BYTES + 7 };
		Future<byte[]> reader = this.threads.submit(() -> readToEnd(pair.peer()));
		for (int i = 0; i < 600; i++) {
			int size = (i < sizes.length) ? sizes[i] : (random.nextInt(10) == 0) ? random.nextInt(200_000) + 1
					: random.nextInt(400) + 1;
			byte[] frame = new byte[size];
			random.nextBytes(frame);
			expected.write(frame);
			switch (i % 3) {
				case 0 -> pair.connection().send(frame);
				case 1 -> pair.connection().append(frame);
				default -> pair.connection().sendAll(List.of(frame, frame.clone()));
			}
			if (i % 3 == 2) {
				expected.write(frame);
			}
		}
		pair.connection().flush();
		await().atMost(BOUND).until(() -> this.metrics.bytesSent() == expected.size());
		pair.connection().close("done");
		assertThat(reader.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(expected.toByteArray());
	}

	private static byte[] readToEnd(SocketChannel channel) throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		ByteBuffer buffer = ByteBuffer.allocate(8192);
		while (channel.read(buffer.clear()) >= 0) {
			all.write(buffer.array(), 0, buffer.position());
		}
		return all.toByteArray();
	}

	@Test
	void readingEndsWhenThePeerClosesAndWhenTheConnectionIsClosed() throws Exception {
		Pair first = connect(1024 * 1024);
		List<Message> messages = new CopyOnWriteArrayList<>();
		Future<?> reading = this.threads.submit(() -> {
			first.connection().readFrames(1024, this.metrics, messages::add);
			return null;
		});
		first.peer().write(ByteBuffer.wrap(FrameCodec.encode(new Message.Ping(7, 0))));
		await().atMost(BOUND).until(() -> messages.size() == 1);
		first.peer().close();
		reading.get(BOUND.toSeconds(), TimeUnit.SECONDS);
		assertThat(this.metrics.bytesReceived()).isPositive();

		Pair second = connect(1024 * 1024);
		Future<?> waiting = this.threads.submit(() -> {
			second.connection().readFrames(1024, this.metrics, messages::add);
			return null;
		});
		second.connection().close("test");
		await().atMost(BOUND).until(waiting::isDone);
		assertThatIOException().isThrownBy(() -> {
			try {
				waiting.get();
			}
			catch (java.util.concurrent.ExecutionException ex) {
				throw (IOException) ex.getCause();
			}
		});
	}

	private static long totalBytes(int senders, int perSender) {
		long total = 0;
		for (int s = 0; s < senders; s++) {
			for (int n = 0; n < perSender; n++) {
				total += numbered(s, n).length;
			}
		}
		return total;
	}

	/** A frame [length][sender][number][filler]: a size that varies with the number, and a checkable filler. */
	private static byte[] numbered(int sender, int number) {
		int filler = (number * 7919 + sender * 104729) % 5000;
		ByteBuffer frame = ByteBuffer.allocate(12 + filler);
		frame.putInt(8 + filler).putInt(sender).putInt(number);
		for (int i = 0; i < filler; i++) {
			frame.put((byte) (sender + number + i));
		}
		return frame.array();
	}

	private static void readNumberedFrames(SocketChannel channel, int count, List<List<Integer>> seen)
			throws IOException {
		ByteBuffer header = ByteBuffer.allocate(12);
		for (int f = 0; f < count; f++) {
			readFully(channel, header.clear());
			int length = header.getInt(0);
			int sender = header.getInt(4);
			int number = header.getInt(8);
			ByteBuffer filler = ByteBuffer.allocate(length - 8);
			readFully(channel, filler);
			assertThat(length - 8).isEqualTo((number * 7919 + sender * 104729) % 5000);
			for (int i = 0; i < filler.capacity(); i++) {
				if (filler.get(i) != (byte) (sender + number + i)) {
					throw new AssertionError("frame " + number + " of sender " + sender + " corrupt at byte " + i);
				}
			}
			seen.get(sender).add(number);
		}
	}

	private static void readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			if (channel.read(buffer) < 0) {
				throw new IOException("end of stream");
			}
		}
	}

	private static Void readAll(SocketChannel channel, AtomicLong received) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
		int read;
		while ((read = channel.read(buffer.clear())) >= 0) {
			received.addAndGet(read);
		}
		return null;
	}

	private static long drainToEnd(SocketChannel channel) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
		long total = 0;
		try {
			int read;
			while ((read = channel.read(buffer.clear())) >= 0) {
				total += read;
			}
		}
		catch (IOException ex) {
			// a reset ends it too
		}
		return total;
	}

	private record Pair(ChannelConnection connection, SocketChannel peer) {
	}

}
