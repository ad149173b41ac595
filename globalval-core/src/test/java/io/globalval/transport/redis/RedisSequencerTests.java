package io.globalval.transport.redis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.GlobalValConnectionException;
import io.globalval.GlobalValException;
import io.globalval.GlobalValNodes;
import io.globalval.GlobalValRejectedException;
import io.globalval.GlobalValTemplate;
import io.globalval.GlobalValTimeoutException;
import io.globalval.Role;
import io.globalval.core.ChangeEvent;
import io.globalval.core.ChangeListener;
import io.globalval.core.DiscardedChanges;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeMetrics;
import io.globalval.core.NodeSettings;
import io.globalval.core.RemoteSequencer;
import io.globalval.core.ValueCodec;
import io.globalval.protocol.WriteCommand.CompareAndSetValue;
import io.globalval.protocol.WriteCommand.DeleteKey;
import io.globalval.protocol.WriteCommand.IncrementValue;
import io.globalval.protocol.WriteCommand.SetValue;
import io.globalval.protocol.WriteOutcome;
import io.globalval.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Redis sequencer's semantics, with nodes in this JVM on a real redis-server: exactly
 * once, refusals, exact increments, compare-and-set, namespaces, and what happens when
 * Redis forgets its scripts, loses its data, or is gone.
 */
class RedisSequencerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final RedisTransportSettings FAST = RedisTransportSettings.builder()
		.blockTimeout(Duration.ofMillis(200))
		.build();

	@TempDir
	Path directory;

	private RedisServer redis;

	private RedisClient adminClient;

	private StatefulRedisConnection<String, String> adminConnection;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void startRedis() throws Exception {
		this.redis = RedisServer.start(this.directory);
		this.adminClient = RedisClient.create(this.redis.uri());
		this.adminConnection = this.adminClient.connect();
	}

	@AfterEach
	void stopEverything() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.adminConnection.close();
		this.adminClient.shutdown();
		this.redis.close();
	}

	private RedisCommands<String, String> admin() {
		return this.adminConnection.sync();
	}

	private GlobalValTemplate start(String name) throws Exception {
		return start(name, Duration.ofSeconds(10));
	}

	private GlobalValTemplate start(String name, Duration writeTimeout) throws Exception {
		NodeSettings settings = NodeSettings.builder().name(name).writeTimeout(writeTimeout).build();
		GlobalValNode node = GlobalValNodes.builder(settings)
			.sequencer(RedisSequencer.create(RedisURI.create(this.redis.uri()), FAST))
			.start();
		this.closeables.add(node);
		node.ready().get(WAIT.toSeconds(), TimeUnit.SECONDS);
		return new GlobalValTemplate(node);
	}

	/** A node on a client that the application owns: closing the node leaves the client open. */
	private GlobalValTemplate startOn(RedisClient client, String name) throws Exception {
		NodeSettings settings = NodeSettings.builder().name(name).build();
		GlobalValNode node = GlobalValNodes.builder(settings)
			.sequencer(new RedisSequencer(client, RedisURI.create(this.redis.uri()), FAST))
			.start();
		this.closeables.add(node);
		node.ready().get(WAIT.toSeconds(), TimeUnit.SECONDS);
		return new GlobalValTemplate(node);
	}

	private static <T> T get(CompletableFuture<T> future) throws Exception {
		return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
	}

	@Test
	void nodeOnRedisIsAPeerAndReadsItsOwnWrites() throws Exception {
		GlobalValTemplate template = start("app");
		assertThat(template.role()).isEqualTo(Role.PEER);
		long revision = get(template.set("config", Map.of("size", 3)));
		// the future completes once this process applied the change, so no waiting here
		assertThat(template.revision()).isGreaterThanOrEqualTo(revision);
		assertThat(template.get("config")).isEqualTo(Map.of("size", 3));
		assertThat(admin().hget("{globalval:app}:values", "config")).isEqualTo("{\"size\":3}");
		assertThat(admin().hget("{globalval:app}:revisions", "config")).isEqualTo(String.valueOf(revision));
		assertThat(admin().get("{globalval:app}:revision")).isEqualTo(String.valueOf(revision));
	}

	@Test
	void aPeerIsConnectedOnceReadyWithoutWaitingForItsFirstReadOfTheStream() throws Exception {
		// an empty stream: the first blocking read returns only after the block timeout
		RedisTransportSettings slowReads = RedisTransportSettings.builder().blockTimeout(Duration.ofMinutes(1)).build();
		GlobalValNode node = GlobalValNodes.builder(NodeSettings.builder().name("connected").build())
			.sequencer(RedisSequencer.create(RedisURI.create(this.redis.uri()), slowReads))
			.start();
		this.closeables.add(node);
		node.ready().get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(node.isConnected()).isTrue();
	}

	@Test
	void repeatedWriteIsAnsweredWithItsFirstOutcomeAndAppliedOnce() throws Exception {
		RecordingFollower follower = new RecordingFollower(42);
		RedisSequencer sequencer = RedisSequencer.create(RedisURI.create(this.redis.uri()), FAST);
		this.closeables.add(sequencer);
		sequencer.start(NodeSettings.builder().name("once").build(), follower);
		await().atMost(WAIT).until(() -> follower.ready);
		IncrementValue write = new IncrementValue(1, "n", 5, System.nanoTime());
		WriteOutcome first = get(sequencer.submit(follower.nodeId, write, deadline()));
		WriteOutcome again = get(sequencer.submit(follower.nodeId, write, deadline()));
		assertThat(again).isEqualTo(first);
		assertThat(first.number()).isEqualTo(5);
		WriteOutcome next = get(
				sequencer.submit(follower.nodeId, new IncrementValue(2, "n", 5, System.nanoTime()), deadline()));
		assertThat(next.number()).isEqualTo(10);
		assertThat(next.revision()).isEqualTo(first.revision() + 1);
		assertThat(admin().hget("{globalval:once}:values", "n")).isEqualTo("10");
		assertThat(admin().xlen("{globalval:once}:changes")).isEqualTo(2);
		await().atMost(WAIT).untilAsserted(() -> assertThat(follower.changes).containsExactly("1 n 5", "2 n 10"));
	}

	@Test
	void aRepeatedWriteIsAnsweredWithAWriteSoThatWaitForReplicasCoversIt() throws Exception {
		// WAIT (replicas-to-ack) covers the connection's writes up to its last replicated one: a
		// duplicate answer must be such a write, or a retry after a failover, on a connection that
		// wrote nothing since, would be acknowledged by a WAIT that covers nothing
		RecordingFollower follower = new RecordingFollower(43);
		RedisSequencer sequencer = RedisSequencer.create(RedisURI.create(this.redis.uri()), FAST);
		this.closeables.add(sequencer);
		sequencer.start(NodeSettings.builder().name("dupwrite").build(), follower);
		await().atMost(WAIT).until(() -> follower.ready);
		SetValue write = new SetValue(1, "k", "1".getBytes(StandardCharsets.UTF_8), System.nanoTime());
		WriteOutcome first = get(sequencer.submit(follower.nodeId, write, deadline()));
		String writes = "{globalval:dupwrite}:writes:" + follower.nodeId;
		admin().pexpire(writes, 5_000);
		WriteOutcome again = get(sequencer.submit(follower.nodeId, write, deadline()));
		assertThat(again).isEqualTo(first);
		assertThat(admin().pttl(writes)).isGreaterThan(5_000);
		assertThat(admin().xlen("{globalval:dupwrite}:changes")).isEqualTo(1);
	}

	@Test
	void aBurstOfWritesLeavesInBatchesInOrderAndEachGetsItsOwnAnswer() throws Exception {
		RecordingFollower follower = new RecordingFollower(44);
		RedisSequencer sequencer = RedisSequencer.create(RedisURI.create(this.redis.uri()), FAST);
		this.closeables.add(sequencer);
		sequencer.start(NodeSettings.builder().name("burst").build(), follower);
		await().atMost(WAIT).until(() -> follower.ready);
		admin().hset("{globalval:burst}:values", "text", "\"not a number\"");
		long callsBefore = evalshaCalls();
		List<CompletableFuture<WriteOutcome>> increments = new ArrayList<>();
		List<CompletableFuture<WriteOutcome>> sets = new ArrayList<>();
		CompletableFuture<WriteOutcome> rejected = null;
		CompletableFuture<WriteOutcome> missingDelete = null;
		CompletableFuture<WriteOutcome> mismatchedSwap = null;
		for (int seq = 1; seq <= 1000; seq++) {
			if (seq == 500) {
				rejected = sequencer.submit(follower.nodeId, new IncrementValue(seq, "text", 1, System.nanoTime()),
						deadline());
			}
			else if (seq == 501) {
				missingDelete = sequencer.submit(follower.nodeId, new DeleteKey(seq, "missing", System.nanoTime()),
						deadline());
			}
			else if (seq == 502) {
				mismatchedSwap = sequencer.submit(follower.nodeId, new CompareAndSetValue(seq, "n",
						"-1".getBytes(StandardCharsets.UTF_8), "0".getBytes(StandardCharsets.UTF_8), System.nanoTime()),
						deadline());
			}
			else if (seq % 2 == 0) {
				increments.add(sequencer.submit(follower.nodeId, new IncrementValue(seq, "n", 1, System.nanoTime()),
						deadline()));
			}
			else {
				sets.add(sequencer.submit(follower.nodeId,
						new SetValue(seq, "k" + seq, String.valueOf(seq).getBytes(StandardCharsets.UTF_8),
								System.nanoTime()),
						deadline()));
			}
		}
		// each write has its own answer, in the order the writes were made
		for (int i = 0; i < increments.size(); i++) {
			assertThat(get(increments.get(i)).number()).isEqualTo(i + 1);
		}
		long lastRevision = 0;
		for (CompletableFuture<WriteOutcome> set : sets) {
			WriteOutcome outcome = get(set);
			assertThat(outcome.success()).isTrue();
			assertThat(outcome.revision()).isGreaterThan(lastRevision);
			lastRevision = outcome.revision();
		}
		CompletableFuture<WriteOutcome> refused = rejected;
		assertThatThrownBy(() -> get(refused)).cause()
			.isInstanceOf(GlobalValRejectedException.class)
			.hasMessageContaining("not an integer");
		assertThat(get(missingDelete).success()).isFalse();
		assertThat(get(mismatchedSwap).success()).isFalse();
		int changes = increments.size() + sets.size();
		assertThat(admin().xlen("{globalval:burst}:changes")).isEqualTo(changes);
		await().atMost(WAIT).untilAsserted(() -> assertThat(follower.changes).hasSize(changes));
		// fewer script calls than writes: the writes that queued behind a call left together
		assertThat(evalshaCalls() - callsBefore).isLessThan(changes / 2);
	}

	@Test
	void aProcessWritesReachRedisInTheOrderItMadeThemWhileBatchesComeAndGo() throws Exception {
		// small bursts, so that a batch is often answered while the caller sends the next one
		GlobalValTemplate template = start("app");
		for (int round = 0; round < 300; round++) {
			List<CompletableFuture<Long>> writes = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				writes.add(template.set("k" + i, round));
			}
			long last = 0;
			for (CompletableFuture<Long> write : writes) {
				long revision = get(write);
				assertThat(revision).as("round %d", round).isGreaterThan(last);
				last = revision;
			}
		}
	}

	@Test
	void aBurstCutOffByKilledConnectionsLosesNoWriteAndAppliesNoneTwice() throws Exception {
		// batches in flight when the connection dies are sent again after the reconnect (Lettuce)
		// or retried (this class); whether Redis ran them before the kill or not, each write counts once
		GlobalValTemplate template = start("app");
		get(template.set("warm", 1));
		List<CompletableFuture<Long>> writes = new ArrayList<>();
		long killed = 0;
		for (int i = 0; i < 4000; i++) {
			writes.add(template.increment("count", 1));
			if (i % 1000 == 500) {
				killed += killWriteConnections();
			}
		}
		assertThat(killed).isPositive();
		List<Long> results = new ArrayList<>();
		for (CompletableFuture<Long> write : writes) {
			results.add(get(write));
		}
		// every increment applied once
		assertThat(results).doesNotHaveDuplicates().hasSize(4000);
		assertThat(results).allMatch((n) -> n >= 1 && n <= 4000);
		assertThat(template.get("count")).isEqualTo(4000);
		assertThat(admin().xlen("{globalval:app}:changes")).isEqualTo(4001);
	}

	private long killWriteConnections() {
		long killed = 0;
		for (String line : admin().clientList().split("\n")) {
			if (line.contains("name=globalval:app:") && line.contains(":write ")) {
				String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id=")));
				killed += admin().clientKill(KillArgs.Builder.id(Long.parseLong(id)));
			}
		}
		return killed;
	}

	private long evalshaCalls() {
		return commandCalls("evalsha");
	}

	private long commandCalls(String command) {
		for (String line : admin().info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_" + command + ":")) {
				String calls = line.substring(line.indexOf("calls=") + 6);
				return Long.parseLong(calls.substring(0, calls.indexOf(',')));
			}
		}
		return 0;
	}

	private static long deadline() {
		return System.nanoTime() + WAIT.toNanos();
	}

	@Test
	void incrementOfANonIntegerIsRejectedAndChangesNothing() throws Exception {
		GlobalValTemplate template = start("app");
		long revision = get(template.set("name", "orders"));
		assertThatThrownBy(() -> get(template.increment("name", 1))).isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(GlobalValRejectedException.class)
			.hasMessage("Value of 'name' is not an integer; cannot increment it (set it to a number first)");
		assertThat(admin().get("{globalval:app}:revision")).isEqualTo(String.valueOf(revision));
		assertThat(template.get("name")).isEqualTo("orders");
	}

	@Test
	void incrementThatWouldOverflowIsRejected() throws Exception {
		GlobalValTemplate template = start("app");
		get(template.set("big", Long.MAX_VALUE - 1));
		assertThatThrownBy(() -> get(template.increment("big", 2))).isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(GlobalValRejectedException.class)
			.hasMessage("Incrementing 'big' (" + (Long.MAX_VALUE - 1) + ") by 2 would overflow a long");
		assertThat(get(template.increment("big", 1))).isEqualTo(Long.MAX_VALUE);
	}

	@Test
	void incrementsAreExactBeyondTheDoublePrecisionOfLua() throws Exception {
		GlobalValTemplate template = start("app");
		long large = (1L << 53) + 1;
		get(template.set("large", large));
		assertThat(get(template.increment("large", 2))).isEqualTo(large + 2);
		assertThat(template.get("large", Long.class)).isEqualTo(large + 2);
		assertThat(get(template.increment("absent", 7))).isEqualTo(7);
	}

	@Test
	void compareAndSetMatchesAnEqualValueWrittenInAnotherKeyOrder() throws Exception {
		GlobalValTemplate template = start("app");
		Map<String, Object> ab = new LinkedHashMap<>();
		ab.put("a", 1);
		ab.put("b", 2);
		Map<String, Object> ba = new LinkedHashMap<>();
		ba.put("b", 2);
		ba.put("a", 1);
		get(template.set("pair", ab));
		assertThat(get(template.compareAndSet("pair", Map.of("a", 9), "no"))).isFalse();
		assertThat(get(template.compareAndSet("pair", ba, "yes"))).isTrue();
		assertThat(template.get("pair")).isEqualTo("yes");
		assertThat(get(template.compareAndSet("fresh", null, "first"))).isTrue();
		assertThat(get(template.compareAndSet("fresh", null, "second"))).isFalse();
		assertThat(template.get("fresh")).isEqualTo("first");
	}

	@Test
	void deleteAnswersWhetherTheKeyExistedAndOtherPeersSeeIt() throws Exception {
		GlobalValTemplate one = start("app");
		GlobalValTemplate two = start("app");
		long revision = get(one.set("gone", 1));
		assertThat(get(two.awaitRevision(revision))).isGreaterThanOrEqualTo(revision);
		assertThat(two.get("gone")).isEqualTo(1);
		assertThat(get(two.delete("gone"))).isTrue();
		assertThat(get(two.delete("gone"))).isFalse();
		assertThat(two.get("gone")).isNull();
		await().atMost(WAIT).untilAsserted(() -> assertThat(one.get("gone")).isNull());
		assertThat(admin().hexists("{globalval:app}:revisions", "gone")).isFalse();
	}

	@Test
	void twoApplicationsOnOneRedisAndOneSharedClientDoNotMix() throws Exception {
		RedisClient shared = RedisClient.create();
		GlobalValTemplate orders = startOn(shared, "orders");
		GlobalValTemplate billing = startOn(shared, "billing");
		this.closeables.add(shared::shutdown);
		get(orders.set("region", "eu"));
		get(billing.set("region", "us"));
		assertThat(orders.entries()).containsExactly(Map.entry("region", "eu"));
		assertThat(billing.entries()).containsExactly(Map.entry("region", "us"));
		assertThat(admin().keys("*")).allSatisfy(
				(key) -> assertThat(key).matches("\\{globalval:(orders|billing)\\}:.*"));
	}

	@Test
	void writesGoOnAfterRedisForgetsItsScripts() throws Exception {
		GlobalValTemplate template = start("app");
		get(template.set("before", 1));
		admin().scriptFlush();
		assertThat(get(template.increment("after", 1))).isEqualTo(1);
		assertThat(template.get("after")).isEqualTo(1);
		// EVALSHA met NOSCRIPT, and EVAL sent the script again
		assertThat(admin().info("commandstats")).contains("cmdstat_eval:calls=");
	}

	@Test
	void peerFollowsRedisWhenRedisLosesItsHistory() throws Exception {
		GlobalValTemplate old = start("app");
		get(old.set("x", 1));
		get(old.set("y", 2));
		admin().flushall();
		// nobody writes: the check after an empty read notices the lost history
		await().atMost(WAIT).untilAsserted(() -> assertThat(old.entries()).isEmpty());
		assertThat(old.revision()).isZero();
		GlobalValTemplate late = start("app");
		long revision = get(late.set("z", 3));
		assertThat(revision).isEqualTo(1);
		await().atMost(WAIT).untilAsserted(() -> assertThat(old.entries()).containsExactly(Map.entry("z", 3)));
	}

	@Test
	void redisRestartedFromAnOlderFileIsNoticedOnTheNextChangeAndWhatItLostIsReported() throws Exception {
		GlobalValTemplate writer = start("app");
		GlobalValTemplate reader = start("app");
		List<DiscardedChanges> writerLost = discards(writer);
		List<DiscardedChanges> readerLost = discards(reader);
		setEach(writer, "old", 100);
		admin().save();
		setEach(writer, "lost", 50);
		get(reader.awaitRevision(150));
		// the file holds revision 100: the same epoch, 50 revisions back
		this.redis.restart();
		// 100 new changes take revisions 101 to 200 again, in another history
		setEach(reader, "new", 100);
		Map<String, Object> expected = new LinkedHashMap<>();
		for (int i = 0; i < 100; i++) {
			expected.put("old-" + i, i);
			expected.put("new-" + i, i);
		}
		// the reader's own writes end where Redis put them once it sees the fork (the next change at the latest)
		get(reader.set("done", true));
		expected.put("done", true);
		await().atMost(WAIT).untilAsserted(() -> assertThat(writer.entries()).isEqualTo(expected));
		await().atMost(WAIT).untilAsserted(() -> assertThat(reader.entries()).isEqualTo(expected));
		assertThat(writer.revision()).isEqualTo(reader.revision()).isEqualTo(201);
		assertThat(start("app").entries()).as("a process that starts now").isEqualTo(expected);
		for (List<DiscardedChanges> lost : List.of(writerLost, readerLost)) {
			assertThat(lost).singleElement().satisfies((discarded) -> {
				assertThat(discarded.keptRevision()).isEqualTo(100);
				assertThat(discarded.lastRevision()).isEqualTo(150);
				assertThat(discarded.changes()).hasSize(50)
					.allSatisfy((change) -> assertThat(change.key()).startsWith("lost-"))
					.allSatisfy((change) -> assertThat(change.origin()).isEqualTo(writer.getNode().nodeId()));
			});
		}
		assertThat(writer.getNode().metrics().changesDiscarded()).isEqualTo(50);
	}

	@Test
	void aHistoryThatWentBackAndGrewToTheSameRevisionIsNoticedWithoutAnotherWrite() throws Exception {
		GlobalValTemplate writer = start("app");
		GlobalValTemplate reader = start("app");
		List<DiscardedChanges> readerLost = discards(reader);
		setEach(writer, "old", 10);
		admin().save();
		setEach(writer, "lost", 5);
		get(reader.awaitRevision(15));
		this.redis.restart();
		// revision 15 again, with other writes, and then nobody writes
		setEach(writer, "other", 5);
		await().atMost(WAIT).untilAsserted(() -> assertThat(reader.entries()).containsKey("other-4"));
		assertThat(reader.entries()).isEqualTo(writer.entries()).doesNotContainKey("lost-0");
		assertThat(reader.revision()).isEqualTo(15);
		assertThat(readerLost).singleElement().satisfies((discarded) -> {
			assertThat(discarded.keptRevision()).isEqualTo(10);
			assertThat(discarded.changes()).extracting(DiscardedChanges.Change::key)
				.containsExactly("lost-0", "lost-1", "lost-2", "lost-3", "lost-4");
		});
	}

	@Test
	void aRedisThatMayEvictKeysIsRefusedUnlessEvictionIsAllowed() throws Exception {
		RedisServer evicting = RedisServer.start(Files.createDirectories(this.directory.resolve("evicting")),
				"--maxmemory", "100mb", "--maxmemory-policy", "volatile-lru");
		this.closeables.add(evicting);
		NodeSettings settings = NodeSettings.builder().name("app").build();
		assertThatThrownBy(() -> GlobalValNodes.builder(settings)
			.sequencer(RedisSequencer.create(RedisURI.create(evicting.uri()), FAST))
			.start()).isInstanceOf(GlobalValException.class)
			.hasMessageContaining("maxmemory-policy volatile-lru")
			.hasMessageContaining("write ids")
			.hasMessageContaining("globalval.redis.allow-eviction=true");
		GlobalValNode allowed = GlobalValNodes.builder(settings)
			.sequencer(RedisSequencer.create(RedisURI.create(evicting.uri()),
					RedisTransportSettings.builder().blockTimeout(Duration.ofMillis(200)).allowEviction(true).build()))
			.start();
		this.closeables.add(allowed);
		get(allowed.ready());
		// without maxmemory nothing is evicted, whatever the policy
		admin().configSet("maxmemory-policy", "allkeys-lru");
		get(start("app").set("k", 1));
	}

	@Test
	void withReplicasToAckAWriteIsAcknowledgedOnceAReplicaHasItAndFailsWhenNoneCopiesIt() throws Exception {
		RedisServer replica = RedisServer.start(Files.createDirectories(this.directory.resolve("replica")),
				"--replicaof", "127.0.0.1", String.valueOf(this.redis.port()));
		this.closeables.add(replica);
		NodeSettings settings = NodeSettings.builder().name("app").writeTimeout(Duration.ofSeconds(2)).build();
		GlobalValNode node = GlobalValNodes.builder(settings)
			.sequencer(RedisSequencer.create(RedisURI.create(this.redis.uri()),
					RedisTransportSettings.builder().blockTimeout(Duration.ofMillis(200)).replicasToAck(1).build()))
			.start();
		this.closeables.add(node);
		get(node.ready());
		GlobalValTemplate template = new GlobalValTemplate(node);
		// the replica syncs first; until then WAIT answers 0 and the write fails
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(template.set("first", 1)) > 0);
		try (RedisClient replicaClient = RedisClient.create(replica.uri());
				StatefulRedisConnection<String, String> connection = replicaClient.connect()) {
			for (int i = 0; i < 20; i++) {
				get(template.set("acked-" + i, i));
				// acknowledged: the replica has it already, no waiting
				assertThat(connection.sync().hget("{globalval:app}:values", "acked-" + i)).isEqualTo(String.valueOf(i));
			}
			// a burst leaves in batches, and one WAIT acknowledges each batch
			long waitsBefore = commandCalls("wait");
			List<CompletableFuture<Long>> burst = new ArrayList<>();
			for (int i = 0; i < 500; i++) {
				burst.add(template.set("burst-" + i, i));
			}
			for (CompletableFuture<Long> write : burst) {
				assertThat(get(write)).isPositive();
			}
			assertThat(connection.sync().hget("{globalval:app}:values", "burst-499")).isEqualTo("499");
			assertThat(commandCalls("wait") - waitsBefore).isLessThan(250);
		}
		replica.kill();
		assertThatThrownBy(() -> get(template.set("unreplicated", true))).hasCauseInstanceOf(GlobalValTimeoutException.class)
			.cause()
			.hasMessageContaining("globalval.redis.replicas-to-ack=1")
			.hasMessageContaining("It is applied");
		assertThat(admin().hget("{globalval:app}:values", "unreplicated")).isEqualTo("true");
	}

	private static void setEach(GlobalValTemplate template, String prefix, int count) throws Exception {
		List<CompletableFuture<Long>> writes = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			writes.add(template.set(prefix + "-" + i, i));
		}
		get(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
	}

	private static List<DiscardedChanges> discards(GlobalValTemplate template) {
		List<DiscardedChanges> discards = new CopyOnWriteArrayList<>();
		template.getNode().addListener(new ChangeListener() {

			@Override
			public void onChange(ChangeEvent event) {
			}

			@Override
			public void onDiscarded(DiscardedChanges discarded) {
				discards.add(discarded);
			}

		});
		return discards;
	}

	@Test
	void idsOfSettledWritesAreDropped() throws Exception {
		GlobalValTemplate template = start("app");
		List<CompletableFuture<Long>> writes = new ArrayList<>();
		for (int i = 0; i < 2000; i++) {
			writes.add(template.increment("count", 1));
		}
		get(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
		get(template.set("last", true));
		String key = "{globalval:app}:writes:" + template.getNode().nodeId();
		// only writes still in flight when the last one was sent keep their ids
		assertThat(admin().zcard(key)).isLessThanOrEqualTo(1);
		assertThat(admin().pttl(key)).isPositive();
		assertThat(template.get("count")).isEqualTo(2000);
	}

	@Test
	void broadcastMakesEveryPeerReloadASnapshot() throws Exception {
		GlobalValTemplate one = start("app");
		GlobalValTemplate two = start("app");
		get(one.set("k", "v"));
		long before = two.getNode().metrics().snapshotsApplied();
		get(one.broadcast());
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(two.getNode().metrics().snapshotsApplied()).isGreaterThan(before));
		assertThat(two.get("k")).isEqualTo("v");
	}

	@Test
	void streamIsTrimmedToAboutItsMaximumLength() throws Exception {
		NodeSettings settings = NodeSettings.builder().name("trim").build();
		GlobalValNode node = GlobalValNodes.builder(settings)
			.sequencer(RedisSequencer.create(RedisURI.create(this.redis.uri()),
					RedisTransportSettings.builder().streamMaxLength(10).build()))
			.start();
		this.closeables.add(node);
		GlobalValTemplate template = new GlobalValTemplate(node);
		get(node.ready());
		for (int i = 0; i < 1000; i++) {
			get(template.set("k" + (i % 7), i));
		}
		// MAXLEN ~ removes whole stream nodes (100 entries each): about 10, not exactly
		assertThat(admin().xlen("{globalval:trim}:changes")).isBetween(10L, 200L);
		assertThat(template.revision()).isEqualTo(1000);
	}

	@Test
	void writeFailsWithATimeoutWhileRedisIsDown() throws Exception {
		GlobalValTemplate template = start("app", Duration.ofMillis(500));
		get(template.set("up", 1));
		this.redis.kill();
		assertThatThrownBy(() -> get(template.set("down", 1))).isInstanceOf(ExecutionException.class)
			.cause()
			.isInstanceOf(GlobalValTimeoutException.class)
			.hasMessageContaining("globalval.write-timeout (PT0.5S)");
		assertThat(template.getNode().isConnected()).isFalse();
	}

	@Test
	void startFailsClearlyWhenRedisIsUnreachable() {
		String uri = this.redis.uri();
		this.redis.kill();
		NodeSettings settings = NodeSettings.builder().name("app").build();
		assertThatThrownBy(() -> GlobalValNodes.builder(settings)
			.sequencer(RedisSequencer.create(RedisURI.create(uri), FAST))
			.start())
		.isInstanceOf(GlobalValConnectionException.class)
		.hasMessageContaining("Cannot connect to redis://127.0.0.1:" + this.redis.port())
		.hasMessageContaining("'app'");
	}

	@Test
	void clientThatDoesNotReconnectIsRefused() {
		RedisClient client = RedisClient.create(this.redis.uri());
		this.closeables.add(client::shutdown);
		client.setOptions(ClientOptions.builder().autoReconnect(false).build());
		RedisSequencer sequencer = new RedisSequencer(client, FAST);
		assertThatThrownBy(() -> sequencer.start(NodeSettings.builder().name("app").build(), new RecordingFollower(1)))
			.isInstanceOf(GlobalValException.class)
			.hasMessageContaining("ClientOptions.autoReconnect is false");
	}

	@Test
	void clusterClientWithAUriIsRefusedClearly() {
		RedisClusterClient client = RedisClusterClient.create(this.redis.uri());
		this.closeables.add(client::shutdown);
		assertThatThrownBy(() -> new RedisSequencer(client, RedisURI.create(this.redis.uri()), FAST))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("A RedisClusterClient connects to the nodes it was created with");
	}

	@Test
	void nameWithABraceIsRefused() {
		NodeSettings settings = NodeSettings.builder().name("a}b").build();
		RedisSequencer sequencer = RedisSequencer.create(RedisURI.create(this.redis.uri()), FAST);
		this.closeables.add(sequencer);
		assertThatThrownBy(() -> sequencer.start(settings, new RecordingFollower(1)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("globalval.name 'a}b' cannot contain '{' or '}'");
	}

	/** A follower that keeps what it is given. */
	private static final class RecordingFollower implements RemoteSequencer.Follower {

		final int nodeId;

		final NodeMetrics metrics = new NodeMetrics();

		final List<String> changes = new CopyOnWriteArrayList<>();

		volatile long revision;

		volatile boolean ready;

		RecordingFollower(int nodeId) {
			this.nodeId = nodeId;
		}

		@Override
		public long nodeId() {
			return this.nodeId;
		}

		@Override
		public long revision() {
			return this.revision;
		}

		@Override
		public boolean isReady() {
			return this.ready;
		}

		@Override
		public void applyChange(long revision, String key, byte[] json, long origin, long seq, long originNanos) {
			this.revision = revision;
			this.changes.add(revision + " " + key + " " + new String(json));
		}

		@Override
		public void applySnapshot(long revision, Collection<RemoteSequencer.Entry> entries) {
			this.revision = revision;
			this.ready = true;
		}

		@Override
		public NodeMetrics metrics() {
			return this.metrics;
		}

	}

}
