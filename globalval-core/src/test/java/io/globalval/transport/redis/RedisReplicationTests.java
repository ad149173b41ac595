package io.globalval.transport.redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.testsupport.NodeProcess;
import io.globalval.testsupport.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three peers, each its own JVM, on a real redis-server that sequences their changes.
 */
class RedisReplicationTests {

	@TempDir
	Path directory;

	private RedisServer redis;

	private final List<NodeProcess> peers = new ArrayList<>();

	@BeforeEach
	void startPeers() throws Exception {
		this.redis = RedisServer.start(this.directory);
		Path log = this.directory.resolve("peers.log");
		this.peers.addAll(RedisPeers.start(3, log, this.redis.uri(), "shared"));
	}

	@AfterEach
	void stopPeers() {
		this.peers.forEach(NodeProcess::close);
		if (this.redis != null) {
			this.redis.close();
		}
	}

	@Test
	void setInAnyPeerIsSeenInAll() throws Exception {
		assertThat(this.peers).allSatisfy((peer) -> assertThat(peer.role()).isEqualTo("PEER"));
		for (NodeProcess writer : this.peers) {
			String key = "seen-" + writer.process().pid();
			long revision = Long.parseLong(writer.call("set " + key + " {\"from\":" + writer.process().pid() + "}"));
			assertThat(writer.call("get " + key)).as("read-your-writes")
				.isEqualTo("{\"from\":" + writer.process().pid() + "}");
			for (NodeProcess reader : this.peers) {
				reader.call("await " + revision);
				assertThat(reader.call("get " + key)).isEqualTo("{\"from\":" + writer.process().pid() + "}");
			}
		}
	}

	@Test
	void concurrentSetsOnTheSameKeysLeaveIdenticalMaps() throws Exception {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < this.peers.size(); i++) {
			ids.add(this.peers.get(i).send("race-set 2000 10 race- " + i));
		}
		for (int i = 0; i < this.peers.size(); i++) {
			this.peers.get(i).await(ids.get(i));
		}
		String expected = awaitSameRevisionEverywhere("race-");
		assertThat(expected).contains("race-0", "race-9");
		for (NodeProcess peer : this.peers) {
			assertThat(peer.call("dump race-")).isEqualTo(expected);
		}
	}

	@Test
	void concurrentIncrementsAreExact() throws Exception {
		List<String> ids = new ArrayList<>();
		for (NodeProcess peer : this.peers) {
			ids.add(peer.send("increment counter 1000"));
		}
		for (int i = 0; i < this.peers.size(); i++) {
			this.peers.get(i).await(ids.get(i));
		}
		awaitSameRevisionEverywhere("counter");
		for (NodeProcess peer : this.peers) {
			assertThat(peer.call("get counter")).isEqualTo("3000");
		}
	}

	@Test
	void compareAndSetRaceHasExactlyOneWinner() throws Exception {
		for (int round = 0; round < 20; round++) {
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < this.peers.size(); i++) {
				ids.add(this.peers.get(i).send("cas lock-" + round + " absent \"peer-" + i + "\""));
			}
			int winners = 0;
			for (int i = 0; i < this.peers.size(); i++) {
				if (this.peers.get(i).await(ids.get(i)).equals("true")) {
					winners++;
				}
			}
			assertThat(winners).as("winners of round %d", round).isEqualTo(1);
		}
		String expected = awaitSameRevisionEverywhere("lock-");
		for (NodeProcess peer : this.peers) {
			assertThat(peer.call("dump lock-")).isEqualTo(expected);
		}
	}

	@Test
	void eventsFireInRevisionOrderInEveryProcess() throws Exception {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < this.peers.size(); i++) {
			ids.add(this.peers.get(i).send("bg chaos 1500 ev-"));
		}
		long succeeded = 0;
		for (int i = 0; i < this.peers.size(); i++) {
			String[] counts = this.peers.get(i).await(ids.get(i)).split(" ");
			assertThat(counts[1]).as("failed writes").isEqualTo("0");
			succeeded += Long.parseLong(counts[0]);
		}
		awaitSameRevisionEverywhere("ev-");
		String expected = this.peers.get(0).call("events ev-");
		String[] summary = expected.split(" ");
		assertThat(summary[1]).as("in revision order").isEqualTo("true");
		assertThat(Long.parseLong(summary[0])).isGreaterThan(succeeded);
		for (NodeProcess peer : this.peers) {
			assertThat(peer.call("events ev-")).isEqualTo(expected);
		}
		assertThat(this.peers.get(0).call("get ev-counter")).isEqualTo(String.valueOf(succeeded));
	}

	/** Wait until every peer has the highest revision any of them has; return peer 0's map of a prefix. */
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
