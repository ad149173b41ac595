package io.globalval.benchmarks.harness;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code redis-server} the harness starts for one group of a system on Redis: from the
 * PATH, on a free loopback port, without persistence, with its files in the group's
 * directory. {@link #close()} kills it.
 */
final class RedisProcess implements AutoCloseable {

	private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);

	private final Process process;

	private final int port;

	private RedisProcess(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	/**
	 * Return the {@code redis-server} on the PATH.
	 * @return its path, or empty when there is none
	 */
	static Optional<Path> executable() {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String dir : path.split(File.pathSeparator)) {
				Path candidate = Path.of(dir, "redis-server");
				if (Files.isExecutable(candidate)) {
					return Optional.of(candidate);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * Start a server and wait until it answers {@code PING}.
	 * @param directory where it keeps its log
	 * @return the running server
	 * @throws IOException if it cannot be started or does not answer within 20 s
	 */
	static RedisProcess start(Path directory) throws IOException {
		Path executable = executable().orElseThrow(() -> new IOException(
				"redis-server is not on the PATH; install it (apt-get install -y redis-server) or leave out --systems "
						+ HarnessOptions.REDIS_SYSTEMS));
		int port = freePort();
		Path log = directory.resolve("redis.log");
		Process process = new ProcessBuilder(List.of(executable.toString(), "--port", Integer.toString(port), "--bind",
				"127.0.0.1", "--dir", directory.toString(), "--save", "", "--appendonly", "no", "--logfile",
				log.toString()))
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("redis.out").toFile())
			.start();
		RedisProcess redis = new RedisProcess(process, port);
		try {
			redis.awaitPing();
		}
		catch (IOException | RuntimeException ex) {
			redis.close();
			throw ex;
		}
		return redis;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private void awaitPing() throws IOException {
		long until = System.nanoTime() + START_TIMEOUT_NANOS;
		while (true) {
			if (!this.process.isAlive()) {
				throw new IOException("redis-server exited with " + this.process.exitValue() + " on port " + this.port);
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 1000);
				socket.setSoTimeout(1000);
				OutputStream out = socket.getOutputStream();
				out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				InputStream in = socket.getInputStream();
				byte[] answer = new byte[7];
				int read = in.readNBytes(answer, 0, answer.length);
				if (new String(answer, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG")) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			if (System.nanoTime() - until > 0) {
				throw new IOException("redis-server did not answer PING on port " + this.port + " within 20 s");
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
		}
	}

	/**
	 * Return the server's URI.
	 * @return such as {@code redis://127.0.0.1:6379}
	 */
	String uri() {
		return "redis://127.0.0.1:" + this.port;
	}

	/**
	 * Return the CPU time the server has used so far (user and system, from
	 * {@code /proc/<pid>/stat}, in steps of one clock tick).
	 * @return nanoseconds, or 0 where there is no /proc
	 */
	long cpuNanos() {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(this.process.pid()), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields[0] is field 3 (state): utime is field 14, stime field 15, in 1/100 s
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
