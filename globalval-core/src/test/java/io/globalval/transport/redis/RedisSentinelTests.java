package io.globalval.transport.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValNodes;
import io.globalval.GlobalValTemplate;
import io.globalval.core.ChangeEvent;
import io.globalval.core.ChangeListener;
import io.globalval.core.DiscardedChanges;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.testsupport.RedisSentinels;
import io.globalval.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Peers in this JVM that find Redis through real {@code redis-sentinel} processes (a
 * primary, two replicas, three sentinels): Lettuce asks the sentinels for the primary
 * again on every reconnect, so the peers follow a failover to a replica, keep writing,
 * and agree on one map at one revision; what the replica had is kept, what it lacked is
 * reported as discarded.
 */
class RedisSentinelTests {

	private static final Logger logger = LoggerFactory.getLogger(RedisSentinelTests.class);

	private static final Duration FAILOVER = Duration.ofSeconds(30);

	@TempDir
	Path directory;

	private RedisServer primary;

	private final List<RedisServer> replicas = new ArrayList<>();

	private RedisSentinels sentinels;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void startServers() throws Exception {
		// no delay before a full sync: a replica reconfigured by a failover catches up at once
		this.primary = RedisServer.start(Files.createDirectories(this.directory.resolve("primary")),
				"--repl-diskless-sync-delay", "0");
		for (int i = 0; i < 2; i++) {
			this.replicas.add(RedisServer.start(Files.createDirectories(this.directory.resolve("replica-" + i)),
					"--replicaof", "127.0.0.1", String.valueOf(this.primary.port()), "--repl-diskless-sync-delay", "0"));
		}
		this.sentinels = RedisSentinels.start(this.directory, 3, this.primary.port(), this.replicas.size());
	}

	@AfterEach
	void stopEverything() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.sentinels.close();
		this.replicas.forEach(RedisServer::close);
		this.primary.close();
	}

	private GlobalValTemplate peer(String nodeName, int replicasToAck, List<DiscardedChanges> discards)
			throws Exception {
		NodeSettings settings = NodeSettings.builder()
			.name("app")
			.nodeName(nodeName)
			.writeTimeout(FAILOVER)
			.build();
		RedisTransportSettings redis = RedisTransportSettings.builder()
			.blockTimeout(Duration.ofMillis(200))
			.replicasToAck(replicasToAck)
			.build();
		GlobalValNode node = GlobalValNodes.builder(settings)
			.sequencer(RedisSequencer.create(this.sentinels.uri(), redis))
			.start();
		this.closeables.add(node);
		node.ready().get(10, TimeUnit.SECONDS);
		node.addListener(new ChangeListener() {

			@Override
			public void onChange(ChangeEvent event) {
			}

			@Override
			public void onDiscarded(DiscardedChanges discarded) {
				discards.add(discarded);
			}

		});
		return new GlobalValTemplate(node);
	}

	@Test
	void peersFollowAFailoverAndLoseNoWriteThatTheReplicaAcknowledged() throws Exception {
		List<DiscardedChanges> discards = new CopyOnWriteArrayList<>();
		List<GlobalValTemplate> peers = List.of(peer("a", 1, discards), peer("b", 1, discards));
		// until the replica has synced, WAIT answers 0 and a write fails
		await().atMost(FAILOVER).ignoreExceptions().until(() -> get(peers.get(0).set("first", 0)) > 0);
		for (int i = 0; i < 20; i++) {
			get(peers.get(i % 2).set("before-" + i, i));
		}
		long killed = System.nanoTime();
		this.primary.kill();
		// both peers write through the failover: each write waits (up to its timeout) for the new primary
		List<CompletableFuture<Long>> writes = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			writes.add(peers.get(i % 2).set("after-" + i, i));
		}
		await().atMost(FAILOVER).until(() -> this.sentinels.masterPort() != this.primary.port());
		long promoted = System.nanoTime();
		get(writes.get(0));
		long firstWrite = System.nanoTime();
		for (CompletableFuture<Long> write : writes) {
			get(write);
		}
		Map<String, Object> converged = awaitConverged(peers);
		logger.info("Sentinel failover: promoted {} ms after the kill, first write acknowledged after {} ms, "
				+ "converged after {} ms", TimeUnit.NANOSECONDS.toMillis(promoted - killed),
				TimeUnit.NANOSECONDS.toMillis(firstWrite - killed),
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
		for (int i = 0; i < 20; i++) {
			assertThat(converged).containsEntry("before-" + i, i);
		}
		for (int i = 0; i < 10; i++) {
			assertThat(converged).containsEntry("after-" + i, i);
		}
		assertThat(discards).isEmpty();
	}

	@Test
	void withoutReplicasToAckWritesTheReplicaMissedAreReportedAsDiscardedByEveryPeer() throws Exception {
		List<DiscardedChanges> discardsOfA = new CopyOnWriteArrayList<>();
		List<DiscardedChanges> discardsOfB = new CopyOnWriteArrayList<>();
		List<GlobalValTemplate> peers = List.of(peer("a", 0, discardsOfA), peer("b", 0, discardsOfB));
		for (int i = 0; i < 10; i++) {
			get(peers.get(i % 2).set("kept-" + i, i));
		}
		awaitConverged(peers);
		long kept = peers.get(0).revision();
		for (RedisServer replica : this.replicas) {
			try (RedisClient client = RedisClient.create(replica.uri());
					StatefulRedisConnection<String, String> connection = client.connect()) {
				await().atMost(FAILOVER)
					.until(() -> String.valueOf(kept).equals(connection.sync().get("{globalval:app}:revision")));
				// cut the replica off: it cannot reconnect, as the primary refuses its AUTH, so it lags from here
				connection.sync().configSet("masterauth", "not-the-password");
				connection.sync().clientKill(KillArgs.Builder.typeMaster());
			}
		}
		get(peers.get(0).set("lost-0", 0));
		get(peers.get(1).set("lost-1", 1));
		awaitConverged(peers);
		this.primary.kill();
		get(peers.get(1).set("after", true));
		Map<String, Object> converged = awaitConverged(peers);
		assertThat(converged).doesNotContainKeys("lost-0", "lost-1").containsEntry("after", true);
		for (int i = 0; i < 10; i++) {
			assertThat(converged).containsEntry("kept-" + i, i);
		}
		for (List<DiscardedChanges> discards : List.of(discardsOfA, discardsOfB)) {
			await().atMost(FAILOVER).until(() -> !discards.isEmpty());
			assertThat(discards.get(0).keptRevision()).isEqualTo(kept);
			assertThat(discards.get(0).changes()).extracting(DiscardedChanges.Change::key)
				.containsExactly("lost-0", "lost-1");
		}
	}

	/** Wait until every peer holds the same map at the same revision, and return it. */
	static Map<String, Object> awaitConverged(List<GlobalValTemplate> peers) {
		await().atMost(FAILOVER).untilAsserted(() -> {
			GlobalValTemplate first = peers.get(0);
			for (GlobalValTemplate peer : peers) {
				assertThat(peer.revision()).isEqualTo(first.revision());
				assertThat(peer.entries()).isEqualTo(first.entries());
			}
		});
		return peers.get(0).entries();
	}

	private static <T> T get(CompletableFuture<T> future) throws Exception {
		return future.get(FAILOVER.toSeconds() + 10, TimeUnit.SECONDS);
	}

}
