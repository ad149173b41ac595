package io.globalval.transport.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.testsupport.NodeProcess;
import io.globalval.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Peers on the Redis transport through lost connections, a crashed and restarted Redis,
 * and a stream trimmed far past a paused peer: no acknowledged change is lost, and every
 * peer ends with the same map.
 */
class RedisChaosTests {

	private static final Logger logger = LoggerFactory.getLogger(RedisChaosTests.class);

	@TempDir
	Path directory;

	private RedisServer redis;

	private RedisClient admin;

	private final List<NodeProcess> peers = new ArrayList<>();

	@AfterEach
	void stopEverything() {
		this.peers.forEach(NodeProcess::close);
		if (this.admin != null) {
			this.admin.shutdown();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	private void startPeers(String... extra) throws Exception {
		List<String> arguments = new ArrayList<>(List.of(this.redis.uri(), "chaos"));
		arguments.addAll(List.of(extra));
		this.peers.addAll(RedisPeers.start(3, this.directory.resolve("peers.log"), arguments.toArray(String[]::new)));
	}

	@Test
	void killedConnectionsMidRunLoseNoAcknowledgedChange() throws Exception {
		this.redis = RedisServer.start(this.directory);
		startPeers();
		this.admin = RedisClient.create(this.redis.uri());
		List<String> runs = new ArrayList<>();
		for (NodeProcess peer : this.peers) {
			runs.add(peer.send("bg chaos 8000 kill-"));
		}
		try (StatefulRedisConnection<String, String> connection = this.admin.connect()) {
			long killed = 0;
			for (int round = 0; round < 6; round++) {
				NodeProcess victim = this.peers.get(round % this.peers.size());
				long target = 200L * (round + 1);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> Long.parseLong(victim.call("revision")) > target);
				// the connections of a peer come back with their names, so each round finds them again
				long round0 = killed;
				await().atMost(Duration.ofSeconds(30))
					.until(() -> connectionsOf(connection, victim).size() == 2);
				for (String id : connectionsOf(connection, victim)) {
					killed += connection.sync().clientKill(KillArgs.Builder.id(Long.parseLong(id)));
				}
				assertThat(killed - round0).as("connections killed in round %d", round).isEqualTo(2);
			}
		}
		long succeeded = collect(runs);
		String expected = awaitSameRevisionEverywhere("kill-");
		assertThat(expected).contains("kill-counter");
		for (NodeProcess peer : this.peers) {
			assertThat(peer.call("dump kill-")).isEqualTo(expected);
			assertThat(peer.call("get kill-counter")).isEqualTo(String.valueOf(succeeded));
			// resumed from its revision each time: no snapshot after the first
			assertThat(peer.call("snapshots")).isEqualTo("1");
		}
		String events = this.peers.get(0).call("events kill-");
		assertThat(events.split(" ")[1]).as("events in revision order").isEqualTo("true");
		for (NodeProcess peer : this.peers) {
			assertThat(peer.call("events kill-")).isEqualTo(events);
		}
	}

	@Test
	void redisCrashAndRestartLosesNoAcknowledgedChange() throws Exception {
		this.redis = RedisServer.start(this.directory, "--appendonly", "yes", "--appendfsync", "always");
		startPeers();
		List<String> runs = new ArrayList<>();
		for (NodeProcess peer : this.peers) {
			runs.add(peer.send("bg chaos 8000 restart-"));
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> Long.parseLong(this.peers.get(0).call("revision")) > 1000);
		long before = Long.parseLong(this.peers.get(0).call("revision"));
		this.redis.restart();
		logger.info("Restarted redis-server after revision {}", before);
		await().atMost(Duration.ofSeconds(60))
			.until(() -> Long.parseLong(this.peers.get(1).call("revision")) > before + 100);
		long succeeded = collect(runs);
		String expected = awaitSameRevisionEverywhere("restart-");
		for (NodeProcess peer : this.peers) {
			assertThat(peer.call("dump restart-")).isEqualTo(expected);
			assertThat(peer.call("get restart-counter")).isEqualTo(String.valueOf(succeeded));
		}
	}

	@Test
	void peerFarBehindATrimmedStreamResyncsFromTheSnapshot() throws Exception {
		this.redis = RedisServer.start(this.directory);
		startPeers("10");
		NodeProcess paused = this.peers.get(2);
		this.peers.get(0).call("set far-start 0");
		paused.pause();
		try {
			this.peers.get(0).call("preload 1000 far-");
			this.peers.get(1).call("increment far-counter 200");
		}
		finally {
			paused.resume();
		}
		try (StatefulRedisConnection<String, String> connection = RedisClient.create(this.redis.uri()).connect()) {
			assertThat(connection.sync().xlen("{globalval:chaos}:changes")).as("trimmed stream").isLessThan(500);
		}
		String expected = awaitSameRevisionEverywhere("far-");
		assertThat(expected).contains("far-999");
		assertThat(paused.call("dump far-")).isEqualTo(expected);
		assertThat(paused.call("get far-counter")).isEqualTo("200");
		assertThat(Long.parseLong(paused.call("snapshots"))).as("snapshots of the paused peer").isGreaterThan(1);
	}


	/** The ids of a peer's connections, found by the client names the transport gives them. */
	private static List<String> connectionsOf(StatefulRedisConnection<String, String> connection, NodeProcess peer) {
		String name = "globalval:chaos:pid-" + peer.process().pid() + ":";
		List<String> ids = new ArrayList<>();
		for (String line : connection.sync().clientList().split("\n")) {
			String id = null;
			String clientName = null;
			for (String field : line.trim().split(" ")) {
				if (field.startsWith("id=")) {
					id = field.substring(3);
				}
				else if (field.startsWith("name=")) {
					clientName = field.substring(5);
				}
			}
			if (id != null && clientName != null && clientName.startsWith(name)) {
				ids.add(id);
			}
		}
		return ids;
	}

	/** Wait for the chaos runs; check none failed; return the increments that succeeded. */
	private long collect(List<String> runs) throws Exception {
		long succeeded = 0;
		for (int i = 0; i < this.peers.size(); i++) {
			String[] counts = this.peers.get(i).await(runs.get(i)).split(" ");
			assertThat(counts[1]).as("failed writes of peer %d", i).isEqualTo("0");
			succeeded += Long.parseLong(counts[0]);
		}
		return succeeded;
	}

	private String awaitSameRevisionEverywhere(String prefix) throws Exception {
		long revision = 0;
		for (NodeProcess peer : this.peers) {
			revision = Math.max(revision, Long.parseLong(peer.call("revision")));
		}
		for (NodeProcess peer : this.peers) {
			peer.call("await " + revision);
		}
		return this.peers.get(0).call("dump " + prefix);
	}

}
