package io.globalval.transport.redis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.lettuce.core.KillArgs;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.history.Anomaly;
import io.globalval.history.History;
import io.globalval.history.HistoryChecker;
import io.globalval.history.Operation;
import io.globalval.testsupport.HistoryFiles;
import io.globalval.testsupport.HistoryFiles.ProcessHistory;
import io.globalval.testsupport.HistoryLine;
import io.globalval.testsupport.HistoryNodeProcessMain;
import io.globalval.testsupport.NodeProcess;
import io.globalval.testsupport.RedisClusterServers;
import io.globalval.testsupport.RedisSentinels;
import io.globalval.testsupport.RedisServer;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Histories on the Redis transport, judged by the {@link HistoryChecker}: three peers,
 * each its own JVM, run random writes and reads on a real redis-server while Redis's own
 * faults happen: its clients' connections killed ({@code CLIENT KILL}), the server
 * SIGKILLed and restarted, the server restarted from an older RDB file or from an
 * {@code everysec} append-only file that misses its last writes (a history that goes
 * back), and a Sentinel or Redis Cluster failover of a SIGKILLed primary, with and without
 * {@code replicas-to-ack}. Each test prints a line with the operations, the faults, how
 * long each fault took and the time to converge after each fault: from the fault to the
 * first write acknowledged after it in every peer.
 */
class RedisHistoryTests {

	private static final int PEERS = 3;

	private static final long WRITE_TIMEOUT_MILLIS = 10_000;

	private static final int WRITES_IN_FLIGHT = 8;

	private static final int OPERATIONS_PER_SECOND = 300;

	/** Revisions every fault waits for first, so that each has writes before and after it. */
	private static final long PROGRESS = 300;

	/** Revisions the primary makes without its replicas before it dies, in the failover without replicas-to-ack. */
	private static final long LAG = 50;

	private static final Duration AT_MOST = Duration.ofSeconds(60);

	/** A key of the peers' application: its slot is theirs. */
	private static final String SLOT_KEY = "{globalval:history}:revision";

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path directory;

	private RedisServer redis;

	private RedisClient adminClient;

	private StatefulRedisConnection<String, String> admin;

	private final List<RedisServer> replicas = new ArrayList<>();

	private RedisSentinels sentinels;

	private RedisClusterServers cluster;

	private final List<NodeProcess> peers = new ArrayList<>();

	private final List<String> workloads = new ArrayList<>();

	private final List<Long> convergeMillis = new ArrayList<>();

	private final List<Long> faultMillis = new ArrayList<>();

	@AfterEach
	void stopEverything() {
		this.peers.forEach(NodeProcess::close);
		if (this.adminClient != null) {
			this.adminClient.shutdown();
		}
		if (this.sentinels != null) {
			this.sentinels.close();
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
		this.replicas.forEach(RedisServer::close);
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void killedConnectionsAndACrashedRedisWithAppendFsyncAlwaysLoseNoAcknowledgedWrite() throws Exception {
		start("--appendonly", "yes", "--appendfsync", "always");
		progress();
		fault(this::killClients);
		progress();
		fault(() -> this.redis.restart());
		progress();
		fault(this::killClients);
		progress();
		stopWorkloads();

		Judgement judgement = judge("CLIENT KILL, SIGKILL + restart with appendfsync always, CLIENT KILL", 3);
		assertThat(judgement.discards()).isEmpty();
	}

	@Test
	void aRedisRestartedFromAnOlderFileLosesWritesButEveryLostWriteIsReported() throws Exception {
		start();
		progress();
		this.admin.sync().save();
		long saved = revision();
		progress();
		long before = revision();
		// the file holds revision `saved`: the same epoch, the revisions after it taken again
		fault(() -> this.redis.restart());
		progress();
		stopWorkloads();

		Losses losses = judgeLosses("restart from an RDB file " + (before - saved) + " revisions old", 1);
		assertThat(losses.lost()).as("the restart went back past acknowledged writes").isNotEmpty();
	}

	@Test
	void aRedisRestartedFromAnEverysecAppendOnlyFileLosesItsLastWritesButEveryLostWriteIsReported()
			throws Exception {
		// no rewrite of the append-only file during the run: the copy stays what Redis would load
		start("--appendonly", "yes", "--appendfsync", "everysec", "--auto-aof-rewrite-percentage", "0");
		progress();
		// what a crash leaves of an everysec file: what was written up to some point, the last
		// command perhaps cut short (aof-load-truncated, on by default, loads the rest)
		Path appendOnly = this.directory.resolve("appendonlydir");
		Path copy = this.directory.resolve("appendonlydir-copy");
		copyFiles(appendOnly, copy);
		long copied = revision();
		progress();
		long before = revision();
		// the copy holds about revision `copied`: the same epoch, the revisions after it taken again
		fault(() -> {
			this.redis.kill();
			copyFiles(copy, appendOnly);
			this.redis.restart();
		});
		progress();
		stopWorkloads();

		Losses losses = judgeLosses(
				"restart from an everysec append-only file about " + (before - copied) + " revisions old", 1);
		assertThat(losses.lost()).as("the restart went back past acknowledged writes").isNotEmpty();
	}

	@Test
	void aSentinelFailoverWithReplicasToAckLosesNoAcknowledgedWrite() throws Exception {
		// one replica, so replicas-to-ack=1 is every replica Sentinel can promote: with two, WAIT 1
		// may be answered by the one that is not promoted (Sentinel prefers the most up-to-date
		// replica by offsets it polls, and does not promise it): a CI run with two lost 7
		// acknowledged writes; the README says so
		startSentinels(1);
		startPeers(this.sentinels.uri().toURI().toString(), "1");
		progress();
		fault(() -> {
			this.redis.kill();
			await().atMost(AT_MOST)
				.pollInterval(Duration.ofMillis(50))
				.ignoreExceptions()
				.until(() -> this.sentinels.masterPort() != this.redis.port());
			// back as a replica of the promoted one, so that WAIT 1 is answered again. Not as a master:
			// without persistence it comes back empty, and an empty primary is what Redis's docs say
			// never to restart automatically (until the sentinels turn it into a replica, some 8 s
			// later, it is a master that a client told its address by a sentinel that has not yet
			// seen the failover writes to); README, "Sentinel"
			this.redis.restart("--replicaof", "127.0.0.1", String.valueOf(this.sentinels.masterPort()));
		});
		progress();
		stopWorkloads();

		// discards may come: writes the old primary applied that no replica had acknowledged
		judge("Sentinel failover of a SIGKILLed primary, replicas-to-ack=1", 1);
	}

	@Test
	void aSentinelFailoverWithoutReplicasToAckReportsEveryAcknowledgedWriteItLoses() throws Exception {
		startSentinels(2);
		startPeers(this.sentinels.uri().toURI().toString(), "0");
		progress();
		// the replicas lag (on loopback they would copy every write at once): cut off from the
		// primary, which refuses their AUTH, while the peers make LAG more revisions there alone
		replicasAuthenticateWith("not-the-password", true);
		long cut = revision();
		await().atMost(AT_MOST).pollInterval(Duration.ofMillis(20)).until(() -> revision() >= cut + LAG);
		fault(() -> {
			this.redis.kill();
			// the replicas may follow the promoted one: both lack what the dead primary wrote alone
			replicasAuthenticateWith("", false);
			await().atMost(AT_MOST)
				.pollInterval(Duration.ofMillis(50))
				.ignoreExceptions()
				.until(() -> this.sentinels.masterPort() != this.redis.port());
		});
		progress();
		stopWorkloads();

		// the acknowledged writes among those revisions are lost: reported, never silent
		this.adminClient = RedisClient.create("redis://127.0.0.1:" + this.sentinels.masterPort());
		this.admin = this.adminClient.connect();
		judgeLosses("replicas cut off for " + LAG + " revisions, then a Sentinel failover of the SIGKILLed primary, "
				+ "no replicas-to-ack", 1);
	}

	@Test
	void aClusterFailoverOfTheSlotsPrimaryWithReplicasToAckLosesNoAcknowledgedWrite() throws Exception {
		this.cluster = RedisClusterServers.start(this.directory.resolve("cluster"), 3);
		startPeers("redis-cluster:" + this.cluster.nodes(), "1");
		progress();
		fault(() -> {
			int owner = this.cluster.ownerOf(SLOT_KEY, 0);
			this.cluster.server(owner).kill();
			await().atMost(AT_MOST).pollInterval(Duration.ofMillis(50)).until(() -> {
				int now = this.cluster.ownerOf(SLOT_KEY, owner);
				return now != -1 && now != owner;
			});
			// back as a replica of the new primary, so that writes reach a replica again
			this.cluster.server(owner).restart();
		});
		progress();
		stopWorkloads();
		judge("Redis Cluster failover of the slot's SIGKILLed primary, replicas-to-ack=1", 1);
	}

	// the run

	private void start(String... redisOptions) throws Exception {
		this.redis = RedisServer.start(this.directory, redisOptions);
		this.adminClient = RedisClient.create(this.redis.uri());
		this.admin = this.adminClient.connect();
		startPeers(this.redis.uri(), "0");
	}

	/**
	 * A primary ({@link #redis}), replicas and three sentinels.
	 * @param replicaCount how many replicas
	 */
	private void startSentinels(int replicaCount) throws Exception {
		// no delay before a full sync: a replica reconfigured by the failover catches up at once
		this.redis = RedisServer.start(Files.createDirectories(this.directory.resolve("primary")),
				"--repl-diskless-sync-delay", "0");
		for (int i = 0; i < replicaCount; i++) {
			this.replicas.add(RedisServer.start(Files.createDirectories(this.directory.resolve("replica-" + i)),
					"--replicaof", "127.0.0.1", String.valueOf(this.redis.port()), "--repl-diskless-sync-delay", "0"));
		}
		this.sentinels = RedisSentinels.start(this.directory, 3, this.redis.port(), this.replicas.size());
	}

	/**
	 * Set {@code masterauth} on every replica; with {@code cut}, also close its link to the
	 * primary, which refuses a password (it has none), so that the replica stays cut off
	 * until {@code masterauth} is empty again.
	 */
	private void replicasAuthenticateWith(String password, boolean cut) {
		for (RedisServer replica : this.replicas) {
			try (RedisClient client = RedisClient.create(replica.uri());
					StatefulRedisConnection<String, String> connection = client.connect()) {
				connection.sync().configSet("masterauth", password);
				if (cut) {
					connection.sync().clientKill(KillArgs.Builder.typeMaster());
				}
			}
		}
	}

	private void startPeers(String uri, String replicasToAck) throws Exception {
		this.peers.addAll(RedisPeers.start(HistoryNodeProcessMain.class, PEERS, this.directory.resolve("peers.log"),
				(i) -> List.of(uri, "PEER", "peer-" + i, file(i).toString(), String.valueOf(WRITE_TIMEOUT_MILLIS),
						replicasToAck)));
		for (int i = 0; i < PEERS; i++) {
			this.workloads.add(this.peers.get(i)
				.send("bg workload " + (1000 + i) + " " + WRITES_IN_FLIGHT + " " + OPERATIONS_PER_SECOND));
		}
	}

	private Path file(int peer) {
		return this.directory.resolve("peer-" + peer + ".history");
	}

	/** Wait until the peers made {@link #PROGRESS} more changes. */
	private void progress() throws Exception {
		long from = revision();
		await().atMost(AT_MOST).pollInterval(Duration.ofMillis(50)).until(() -> revision() >= from + PROGRESS);
	}

	private long revision() throws Exception {
		long highest = 0;
		for (NodeProcess peer : this.peers) {
			highest = Math.max(highest, Long.parseLong(peer.call("revision")));
		}
		return highest;
	}

	/** Make a fault happen, then wait until every peer had a write acknowledged that it made after it. */
	private void fault(Fault fault) throws Exception {
		long at = System.nanoTime();
		fault.happen();
		this.faultMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at));
		await().atMost(AT_MOST).pollInterval(Duration.ofMillis(20)).until(() -> {
			for (NodeProcess peer : this.peers) {
				long okInvoked = Long.parseLong(peer.call("okinvoked"));
				if (okInvoked - at <= 0) {
					return false;
				}
			}
			return true;
		});
		this.convergeMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at));
	}

	private void killClients() {
		// every client's connections but this one: the peers' write and tail connections
		this.admin.sync().clientKill(KillArgs.Builder.typeNormal().skipme());
	}

	private void stopWorkloads() throws Exception {
		for (NodeProcess peer : this.peers) {
			peer.call("stop-workload");
		}
		for (int i = 0; i < PEERS; i++) {
			// answered once its writes in flight are done and its history file has them
			this.peers.get(i).await(this.workloads.get(i));
		}
		await().atMost(AT_MOST).pollInterval(Duration.ofMillis(50)).until(() -> {
			Set<String> revisions = new HashSet<>();
			for (NodeProcess peer : this.peers) {
				revisions.add(peer.call("revision"));
			}
			return revisions.size() == 1;
		});
		for (NodeProcess peer : this.peers) {
			peer.call("final");
		}
	}

	// the judgement

	/**
	 * Check the peers' histories together: no anomaly, and every peer ends with the same map
	 * at the same revision; print what was run.
	 */
	private Judgement judge(String faults, int faultCount) throws Exception {
		List<ProcessHistory> histories = histories();
		History.Builder history = History.builder();
		List<Operation> operations = new ArrayList<>();
		for (ProcessHistory process : histories) {
			history.nodeLogs(process.log());
			operations.addAll(process.operations());
		}
		List<Anomaly> anomalies = HistoryChecker.check(history.operations(operations.toArray(Operation[]::new)).build());
		List<String> discards = histories.stream().flatMap((process) -> process.discards().stream()).toList();
		System.out.printf("redis history (%s): %d operations, %d faults taking %s ms, %d anomalies, %d discards, "
				+ "converged after %s ms%n", faults, operations.size(), faultCount, this.faultMillis, anomalies.size(),
				discards.size(), this.convergeMillis);
		assertThat(anomalies).as(() -> anomalies.stream().limit(20).map(Anomaly::toString).toList().toString())
			.isEmpty();
		assertConverged(histories);
		return new Judgement(operations, anomalies, discards);
	}

	private record Judgement(List<Operation> operations, List<Anomaly> anomalies, List<String> discards) {
	}

	/**
	 * Judge a run in which Redis went back (or may have): the acknowledged writes that
	 * {@link #admin}'s Redis no longer holds are lost, and every one of them must have been
	 * reported as discarded by a peer; every peer ends with the same map at the same
	 * revision, and that map is Redis's. Print what was run. Losses are not required: the
	 * caller asserts them where the fault makes them certain.
	 */
	private Losses judgeLosses(String faults, int faultCount) throws Exception {
		// what Redis holds in the end: every write id in its stream
		Set<String> kept = new HashSet<>();
		for (StreamMessage<String, String> entry : this.admin.sync()
			.xrange("{globalval:history}:changes", Range.create("-", "+"))) {
			kept.add(entry.getBody().get("o") + ":" + entry.getBody().get("s"));
		}
		Set<String> acknowledged = new HashSet<>();
		Set<String> reported = new HashSet<>();
		for (int i = 0; i < PEERS; i++) {
			readRaw(file(i), acknowledged, reported);
		}
		Set<String> lost = new HashSet<>(acknowledged);
		lost.removeAll(kept);
		Set<String> silent = new HashSet<>(lost);
		silent.removeAll(reported);
		List<ProcessHistory> histories = histories();
		int operations = histories.stream().mapToInt((process) -> process.operations().size()).sum();
		System.out.printf("redis history (%s): %d operations, %d acknowledged writes, %d faults taking %s ms, %d lost, "
				+ "%d reported by a peer (%d writes reported in all), %d lost silently; converged after %s ms%n", faults,
				operations, acknowledged.size(), faultCount, this.faultMillis, lost.size(), lost.size() - silent.size(),
				reported.size(), silent.size(), this.convergeMillis);
		assertThat(silent).as("acknowledged writes Redis lost that no peer reported").isEmpty();
		assertConverged(histories);
		// and the peers hold what Redis holds
		Map<String, String> values = this.admin.sync().hgetall("{globalval:history}:values");
		assertThat(histories.get(0).log().finalMap()).isEqualTo(values);
		return new Losses(lost, reported, silent);
	}

	/**
	 * Write ids of a run where Redis went back.
	 * @param lost acknowledged writes that Redis does not hold
	 * @param reported writes a peer reported as discarded, acknowledged or not
	 * @param silent lost writes that no peer reported
	 */
	private record Losses(Set<String> lost, Set<String> reported, Set<String> silent) {
	}

	private List<ProcessHistory> histories() throws Exception {
		List<ProcessHistory> histories = new ArrayList<>();
		for (int i = 0; i < PEERS; i++) {
			histories.add(HistoryFiles.read(file(i)));
		}
		return histories;
	}

	private static void assertConverged(List<ProcessHistory> histories) {
		ProcessHistory first = histories.get(0);
		assertThat(first.log().hasFinalState()).isTrue();
		for (ProcessHistory process : histories) {
			assertThat(process.log().finalRevision()).as(process.name()).isEqualTo(first.log().finalRevision());
			assertThat(process.log().finalMap()).as(process.name()).isEqualTo(first.log().finalMap());
		}
	}

	/**
	 * Read a history file line by line: the write ids of the writes acknowledged as changes,
	 * and those of the changes the peer applied and then reported as discarded.
	 */
	private static void readRaw(Path file, Set<String> acknowledged, Set<String> reported) throws Exception {
		Map<Long, HistoryLine> invoked = new HashMap<>();
		TreeMap<Long, String> applied = new TreeMap<>();
		for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
			HistoryLine line;
			try {
				line = json.readValue(text, HistoryLine.class);
			}
			catch (RuntimeException ex) {
				continue;
			}
			switch (line.type()) {
				case "invoke" -> invoked.put(line.op(), line);
				case "ok" -> {
					HistoryLine invoke = invoked.get(line.op());
					boolean changed = switch (invoke.kind()) {
						case "SET", "INCREMENT" -> true;
						default -> line.applied();
					};
					if (changed) {
						acknowledged.add(invoke.origin() + ":" + invoke.seq());
					}
				}
				case "change" -> applied.put(line.revision(), line.origin() + ":" + line.seq());
				case "discarded" -> {
					Map<Long, String> after = applied.tailMap(line.revision(), false);
					reported.addAll(after.values());
					after.clear();
				}
				case "snapshot" -> applied.clear();
				default -> {
				}
			}
		}
	}

	/**
	 * Make a folder of files (no sub-folders) hold a copy of another's files and nothing else.
	 */
	private static void copyFiles(Path from, Path to) throws Exception {
		Files.createDirectories(to);
		try (Stream<Path> files = Files.list(to)) {
			for (Path file : files.toList()) {
				Files.delete(file);
			}
		}
		try (Stream<Path> files = Files.list(from)) {
			for (Path file : files.toList()) {
				Files.copy(file, to.resolve(file.getFileName()));
			}
		}
	}

	@FunctionalInterface
	private interface Fault {

		void happen() throws Exception;

	}

}
