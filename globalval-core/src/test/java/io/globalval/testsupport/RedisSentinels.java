package io.globalval.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * Real {@code redis-sentinel} processes on free loopback ports, for tests: each with its
 * own configuration file in a directory of the test's (Sentinel rewrites it, so it must
 * be writable), all monitoring one primary as {@link #MASTER} with a quorum of 2, a
 * down-after of 1s and a failover timeout of 5s. Killed by {@link #close()}; every wait
 * is bounded.
 */
public final class RedisSentinels implements AutoCloseable {

	/** The name under which the sentinels monitor the primary. */
	public static final String MASTER = "mymaster";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final List<Integer> ports = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	private final List<Path> directories = new ArrayList<>();

	private RedisSentinels() {
	}

	/**
	 * Start sentinels that monitor a primary, and wait (bounded) until each knows the
	 * primary's replicas and the other sentinels, so that a failover can be agreed on.
	 * @param directory where each keeps its configuration file and log, one folder each
	 * @param count how many (3 for a quorum of 2 and a majority)
	 * @param primaryPort the primary's port on 127.0.0.1
	 * @param replicas how many replicas each must know of
	 * @return the sentinels, ready
	 */
	public static RedisSentinels start(Path directory, int count, int primaryPort, int replicas) throws IOException {
		Path executable = RedisServer.findExecutable("redis-sentinel");
		RedisSentinels sentinels = new RedisSentinels();
		try {
			for (int i = 0; i < count; i++) {
				sentinels.launch(executable, Files.createDirectories(directory.resolve("sentinel-" + i)), primaryPort);
			}
			sentinels.awaitAgreement(count - 1, replicas);
			return sentinels;
		}
		catch (IOException | RuntimeException ex) {
			sentinels.close();
			throw ex;
		}
	}

	private void launch(Path executable, Path directory, int primaryPort) throws IOException {
		int port = RedisServer.freePort();
		Path config = directory.resolve("sentinel.conf");
		Files.writeString(config, String.join("\n", "port " + port, "bind 127.0.0.1", "daemonize no",
				"dir " + directory, "logfile " + directory.resolve("sentinel.log"),
				"sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 2",
				"sentinel down-after-milliseconds " + MASTER + " 1000",
				"sentinel failover-timeout " + MASTER + " 5000", ""));
		Process process = new ProcessBuilder(executable.toString(), config.toString()).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("stdout.log").toFile()))
			.start();
		this.ports.add(port);
		this.processes.add(process);
		this.directories.add(directory);
		try {
			await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException("redis-sentinel on port " + port + " exited with "
							+ process.exitValue() + "; its log: " + log(directory));
				}
				return RedisServer.answersPing(port);
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException("redis-sentinel on port " + port + " did not answer PING within "
					+ START_TIMEOUT + "; its log: " + log(directory), ex);
		}
	}

	private void awaitAgreement(int otherSentinels, int replicas) {
		for (int i = 0; i < this.ports.size(); i++) {
			int port = this.ports.get(i);
			Path directory = this.directories.get(i);
			try {
				await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
					Map<String, String> master = master(port);
					return Integer.parseInt(master.get("num-other-sentinels")) >= otherSentinels
							&& Integer.parseInt(master.get("num-slaves")) >= replicas;
				});
			}
			catch (ConditionTimeoutException ex) {
				throw new IllegalStateException("redis-sentinel on port " + port + " did not see " + otherSentinels
						+ " other sentinels and " + replicas + " replicas within " + START_TIMEOUT + ": "
						+ master(port) + "; its log: " + log(directory), ex);
			}
		}
	}

	private static Map<String, String> master(int port) {
		RedisClient client = RedisClient.create();
		try (StatefulRedisSentinelConnection<String, String> connection = client
			.connectSentinel(RedisURI.create("127.0.0.1", port))) {
			return connection.sync().master(MASTER);
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

	/**
	 * Return the port of the primary that the first sentinel names now.
	 * @return the port
	 */
	public int masterPort() {
		return Integer.parseInt(master(this.ports.get(0)).get("port"));
	}

	/**
	 * Return a Sentinel URI of all sentinels for {@link #MASTER}.
	 * @return the URI
	 */
	public RedisURI uri() {
		RedisURI.Builder builder = RedisURI.Builder.sentinel("127.0.0.1", this.ports.get(0), MASTER);
		for (int port : this.ports.subList(1, this.ports.size())) {
			builder.withSentinel("127.0.0.1", port);
		}
		return builder.build();
	}

	/**
	 * Return the sentinels as {@code spring.data.redis.sentinel.nodes} takes them.
	 * @return {@code 127.0.0.1:p1,127.0.0.1:p2,...}
	 */
	public String nodes() {
		return String.join(",", this.ports.stream().map((port) -> "127.0.0.1:" + port).toList());
	}

	private static String log(Path directory) {
		Path log = directory.resolve("sentinel.log");
		try {
			return Files.exists(log) ? Files.readString(log) : "(no log)";
		}
		catch (IOException ex) {
			return "(log unreadable: " + ex + ")";
		}
	}

	/**
	 * Kill every sentinel with SIGKILL and wait (bounded) for each to end.
	 */
	@Override
	public void close() {
		for (Process process : this.processes) {
			process.destroyForcibly();
		}
		for (Process process : this.processes) {
			try {
				process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
