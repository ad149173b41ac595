package io.globalval.testsupport;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} on a free loopback port, for tests: started from the PATH
 * with its data and log in a directory of the test's, and killed by {@link #close()}.
 * Every wait is bounded.
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final Path executable;

	private final Path directory;

	private final int port;

	private final List<String> options;

	private Process process;

	private RedisServer(Path executable, Path directory, int port, List<String> options) {
		this.executable = executable;
		this.directory = directory;
		this.port = port;
		this.options = options;
	}

	/**
	 * Start a server without persistence on a free port.
	 * @param directory where it keeps its files and log
	 * @param options more {@code redis-server} options, such as {@code --appendonly yes}
	 * @return the server, answering {@code PING}
	 */
	public static RedisServer start(Path directory, String... options) throws IOException {
		Path executable = findExecutable("redis-server");
		RedisServer server = new RedisServer(executable, directory, freePort(), List.of(options));
		server.launch();
		return server;
	}

	/**
	 * Find a Redis executable on the PATH.
	 * @param name {@code redis-server}, {@code redis-sentinel} or {@code redis-cli}
	 * @return its path
	 * @throws IllegalStateException if it is not there, saying which package has it
	 */
	static Path findExecutable(String name) {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String dir : path.split(File.pathSeparator)) {
				Path candidate = Path.of(dir, name);
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		String pkg = "redis-cli".equals(name) ? "redis-tools" : name;
		throw new IllegalStateException(name + " is not on the PATH (" + path + "), but the Redis transport "
				+ "tests run against real servers; install it with: apt-get install -y " + pkg);
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
	}

	private void launch(String... moreOptions) throws IOException {
		List<String> command = new ArrayList<>(List.of(this.executable.toString(), "--port",
				String.valueOf(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
				this.directory.toString(), "--logfile", log().toString(), "--daemonize", "no"));
		// later options win over the defaults above
		command.addAll(this.options);
		command.addAll(List.of(moreOptions));
		this.process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.directory.resolve("redis-stdout.log").toFile()))
			.start();
		try {
			await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("redis-server on port " + this.port + " exited with "
							+ this.process.exitValue() + "; its log: " + readLog());
				}
				return answersPing(this.port);
			});
		}
		catch (ConditionTimeoutException ex) {
			close();
			throw new IllegalStateException("redis-server on port " + this.port + " did not answer PING within "
					+ START_TIMEOUT + "; its log: " + readLog(), ex);
		}
	}

	static boolean answersPing(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[64];
			int read = in.read(reply);
			// "-LOADING ..." while it reads its append-only file: not ready yet
			return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private Path log() {
		return this.directory.resolve("redis.log");
	}

	private String readLog() {
		try {
			return Files.exists(log()) ? Files.readString(log()) : "(no log)";
		}
		catch (IOException ex) {
			return "(log unreadable: " + ex + ")";
		}
	}

	/**
	 * Return the port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the server's URI.
	 * @return {@code redis://127.0.0.1:<port>}
	 */
	public String uri() {
		return "redis://127.0.0.1:" + this.port;
	}

	/**
	 * Return the directory of the server's files.
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Kill the server with SIGKILL, as a crash would, and wait (bounded) for it to end.
	 */
	public void kill() {
		if (this.process == null) {
			return;
		}
		this.process.destroyForcibly();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("redis-server on port " + this.port + " survived SIGKILL for 10s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Start the server again on the same port, directory and options, after {@link #kill()}.
	 */
	public void restart() throws IOException {
		kill();
		launch();
	}

	/**
	 * Start the server again on the same port, directory and options, with more options
	 * for this start only (say {@code --replicaof host port}), after {@link #kill()}.
	 * @param moreOptions the options, which win over the others
	 */
	public void restart(String... moreOptions) throws IOException {
		kill();
		launch(moreOptions);
	}

	/**
	 * Kill the server.
	 */
	@Override
	public void close() {
		kill();
	}

}
