package io.globalval.transport.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

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
import io.globalval.testsupport.RedisClusterServers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Peers in this JVM on a real Redis Cluster (three primaries, one replica each): every
 * key of an application is in one slot, and when the primary of that slot dies, its
 * replica takes over, the peers' Cluster clients follow, writes go on, and the peers
 * agree on one map at one revision without losing a write that the replica acknowledged.
 */
class RedisClusterTests {

	private static final Logger logger = LoggerFactory.getLogger(RedisClusterTests.class);

	private static final Duration FAILOVER = Duration.ofSeconds(30);

	private static final String KEY = "{globalval:app}:revision";

	@TempDir
	Path directory;

	private RedisClusterServers cluster;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void startCluster() throws Exception {
		this.cluster = RedisClusterServers.start(this.directory, 3);
	}

	@AfterEach
	void stopEverything() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.cluster.close();
	}

	private GlobalValTemplate peer(String nodeName, List<DiscardedChanges> discards) throws Exception {
		NodeSettings settings = NodeSettings.builder().name("app").nodeName(nodeName).writeTimeout(FAILOVER).build();
		RedisTransportSettings redis = RedisTransportSettings.builder()
			.blockTimeout(Duration.ofMillis(200))
			.replicasToAck(1)
			.build();
		GlobalValNode node = GlobalValNodes.builder(settings)
			.sequencer(RedisSequencer.createCluster(this.cluster.uris(), redis))
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
	void peersFollowTheReplicaThatTakesOverTheirSlotAndLoseNoAcknowledgedWrite() throws Exception {
		List<DiscardedChanges> discards = new CopyOnWriteArrayList<>();
		List<GlobalValTemplate> peers = List.of(peer("a", discards), peer("b", discards));
		await().atMost(FAILOVER).ignoreExceptions().until(() -> get(peers.get(0).set("first", 0)) > 0);
		for (int i = 0; i < 20; i++) {
			get(peers.get(i % 2).set("before-" + i, i));
		}
		int owner = this.cluster.ownerOf(KEY, 0);
		// each peer's write and tail connections to the slot's primary are named
		assertThat(clientNames(owner)).contains("globalval:app:a:write", "globalval:app:a:tail", "globalval:app:b:write",
				"globalval:app:b:tail");
		long killed = System.nanoTime();
		this.cluster.server(owner).kill();
		List<CompletableFuture<Long>> writes = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			writes.add(peers.get(i % 2).set("after-" + i, i));
		}
		await().atMost(FAILOVER).until(() -> {
			int now = this.cluster.ownerOf(KEY, owner);
			return now != -1 && now != owner;
		});
		long promoted = System.nanoTime();
		// the old primary comes back as a replica of the new one, so that writes reach a replica again
		this.cluster.server(owner).restart();
		get(writes.get(0));
		long firstWrite = System.nanoTime();
		for (CompletableFuture<Long> write : writes) {
			get(write);
		}
		Map<String, Object> converged = RedisSentinelTests.awaitConverged(peers);
		logger.info("Cluster failover: promoted {} ms after the kill, first write acknowledged after {} ms, "
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
		// and so are their connections to the primary that took over
		int newOwner = this.cluster.ownerOf(KEY, owner);
		await().atMost(FAILOVER)
			.untilAsserted(() -> assertThat(clientNames(newOwner)).contains("globalval:app:a:write",
					"globalval:app:a:tail", "globalval:app:b:write", "globalval:app:b:tail"));
	}

	/** The names in a node's {@code CLIENT LIST}. */
	private static List<String> clientNames(int port) {
		List<String> names = new ArrayList<>();
		for (String line : RedisClusterServers.command(port, "CLIENT LIST").split("\n")) {
			for (String field : line.trim().split(" ")) {
				if (field.startsWith("name=") && field.length() > 5) {
					names.add(field.substring(5));
				}
			}
		}
		return names;
	}

	@Test
	void peersFollowAManualFailoverThroughMovedAnswers() throws Exception {
		List<DiscardedChanges> discards = new CopyOnWriteArrayList<>();
		List<GlobalValTemplate> peers = List.of(peer("a", discards), peer("b", discards));
		await().atMost(FAILOVER).ignoreExceptions().until(() -> get(peers.get(0).set("first", 0)) > 0);
		for (int i = 0; i < 10; i++) {
			get(peers.get(i % 2).set("before-" + i, i));
		}
		int owner = this.cluster.ownerOf(KEY, 0);
		int replica = this.cluster.replicaOf(owner);
		long started = System.nanoTime();
		// the replica catches up and takes over; the old primary becomes its replica and answers MOVED
		assertThat(RedisClusterServers.command(replica, "CLUSTER FAILOVER")).isEqualTo("OK");
		await().atMost(FAILOVER).until(() -> this.cluster.ownerOf(KEY, 0) == replica);
		for (int i = 0; i < 10; i++) {
			get(peers.get(i % 2).set("after-" + i, i));
		}
		Map<String, Object> converged = RedisSentinelTests.awaitConverged(peers);
		logger.info("Cluster manual failover: converged {} ms after CLUSTER FAILOVER",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
		for (int i = 0; i < 10; i++) {
			assertThat(converged).containsEntry("before-" + i, i).containsEntry("after-" + i, i);
		}
		assertThat(discards).isEmpty();
	}

	private static <T> T get(CompletableFuture<T> future) throws Exception {
		return future.get(FAILOVER.toSeconds() + 10, TimeUnit.SECONDS);
	}

}
