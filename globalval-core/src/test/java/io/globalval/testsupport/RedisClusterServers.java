package io.globalval.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Cluster for tests: {@code redis-server} processes with
 * {@code --cluster-enabled yes} on free loopback ports (a node timeout of 1s, so that a
 * replica takes over within a few seconds), joined by {@code redis-cli --cluster create}
 * with one replica per primary. Killed by {@link #close()}; every wait is bounded.
 */
public final class RedisClusterServers implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final List<RedisServer> servers = new ArrayList<>();

	private RedisClusterServers() {
	}

	/**
	 * Start a Cluster and wait (bounded) until every node says {@code cluster_state:ok}
	 * and knows every other node.
	 * @param directory where each node keeps its files, one folder each
	 * @param primaries how many primaries (at least 3); each gets one replica
	 * @return the Cluster, ready
	 */
	public static RedisClusterServers start(Path directory, int primaries) throws IOException, InterruptedException {
		RedisClusterServers cluster = new RedisClusterServers();
		try {
			for (int i = 0; i < 2 * primaries; i++) {
				Path node = Files.createDirectories(directory.resolve("node-" + i));
				cluster.servers.add(RedisServer.start(node, "--cluster-enabled", "yes", "--cluster-config-file",
						node.resolve("nodes.conf").toString(), "--cluster-node-timeout", "1000",
						"--repl-diskless-sync-delay", "0"));
			}
			cluster.create(directory.resolve("cluster-create.log"));
			cluster.awaitHealthy();
			return cluster;
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	private void create(Path log) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(RedisServer.findExecutable("redis-cli").toString(),
				"--cluster", "create"));
		for (RedisServer server : this.servers) {
			command.add("127.0.0.1:" + server.port());
		}
		command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("redis-cli --cluster create did not end within " + START_TIMEOUT
					+ "; its output: " + Files.readString(log, StandardCharsets.UTF_8));
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException("redis-cli --cluster create exited with " + process.exitValue()
					+ "; its output: " + Files.readString(log, StandardCharsets.UTF_8));
		}
	}

	/**
	 * Wait (bounded) until every live node says {@code cluster_state:ok} and knows all nodes.
	 */
	public void awaitHealthy() {
		for (RedisServer server : this.servers) {
			try {
				await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
					String info = command(server.port(), "CLUSTER INFO");
					return info.contains("cluster_state:ok")
							&& info.contains("cluster_known_nodes:" + this.servers.size());
				});
			}
			catch (ConditionTimeoutException ex) {
				throw new IllegalStateException("Cluster node on port " + server.port() + " is not healthy within "
						+ START_TIMEOUT + ": " + command(server.port(), "CLUSTER INFO"), ex);
			}
		}
	}

	/**
	 * Return the node on a port.
	 * @param port the port
	 * @return the node
	 */
	public RedisServer server(int port) {
		return this.servers.stream()
			.filter((server) -> server.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No node on port " + port));
	}

	/**
	 * Return the port of the primary that serves a key's slot, as a node other than
	 * {@code except} says.
	 * @param key the key
	 * @param except the port of a node not to ask (a dead one), or 0
	 * @return the port, or -1 if that node knows no primary that is not failed
	 */
	public int ownerOf(String key, int except) {
		int slot = SlotHash.getSlot(key);
		RedisServer asked = this.servers.stream().filter((server) -> server.port() != except).findFirst().orElseThrow();
		for (String line : command(asked.port(), "CLUSTER NODES").split("\n")) {
			String[] fields = line.trim().split(" ");
			if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
				continue;
			}
			for (int i = 8; i < fields.length; i++) {
				String[] range = fields[i].split("-");
				if (range[0].startsWith("[")) {
					continue;
				}
				int from = Integer.parseInt(range[0]);
				int to = Integer.parseInt(range[range.length - 1]);
				if (from <= slot && slot <= to) {
					String address = fields[1].split("@")[0];
					return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
				}
			}
		}
		return -1;
	}

	/**
	 * Return the port of a replica of a primary.
	 * @param primaryPort the primary's port
	 * @return the port of one of its replicas
	 */
	public int replicaOf(int primaryPort) {
		String nodes = command(primaryPort, "CLUSTER NODES");
		String primaryId = null;
		for (String line : nodes.split("\n")) {
			if (line.contains("myself")) {
				primaryId = line.split(" ")[0];
			}
		}
		for (String line : nodes.split("\n")) {
			String[] fields = line.trim().split(" ");
			if (fields.length > 3 && fields[2].contains("slave") && fields[3].equals(primaryId)) {
				String address = fields[1].split("@")[0];
				return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
			}
		}
		throw new IllegalStateException("The primary on port " + primaryPort + " has no replica: " + nodes);
	}

	/**
	 * Return some nodes to start a Cluster client with.
	 * @return the URIs of all nodes
	 */
	public List<RedisURI> uris() {
		return this.servers.stream().map((server) -> RedisURI.create(server.uri())).toList();
	}

	/**
	 * Return the nodes as {@code spring.data.redis.cluster.nodes} takes them.
	 * @return {@code 127.0.0.1:p1,127.0.0.1:p2,...}
	 */
	public String nodes() {
		return String.join(",", this.servers.stream().map((server) -> "127.0.0.1:" + server.port()).toList());
	}

	/**
	 * Run one command on one node and return its answer as text.
	 * @param port the node's port
	 * @param command the command and its arguments, separated by spaces
	 * @return the answer
	 */
	public static String command(int port, String command) {
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			String[] words = command.split(" ");
			return switch (words[0] + " " + words[1]) {
				case "CLUSTER INFO" -> connection.sync().clusterInfo();
				case "CLUSTER NODES" -> connection.sync().clusterNodes();
				case "CLUSTER FAILOVER" -> connection.sync().clusterFailover(false);
				case "CLIENT LIST" -> connection.sync().clientList();
				default -> throw new IllegalArgumentException("Not a command of these tests: " + command);
			};
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

	/**
	 * Kill every node.
	 */
	@Override
	public void close() {
		this.servers.forEach(RedisServer::close);
	}

}
