package io.globalval.transport.uds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.testsupport.NodeProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One master and three workers, each its own JVM, on a real Unix socket. The tests of a
 * class share the group and use keys of their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiProcessReplicationTests {

	private static final Logger logger = LoggerFactory.getLogger(MultiProcessReplicationTests.class);

	private Path directory;

	private NodeProcess master;

	private final List<NodeProcess> workers = new ArrayList<>();

	private final List<NodeProcess> extra = new ArrayList<>();

	@BeforeAll
	void startGroup(@TempDir Path directory) throws Exception {
		this.directory = directory;
		Path log = Files.createTempFile("globalval-nodes", ".log");
		this.master = NodeProcess.start(this.directory, "AUTO", "multi", log);
		for (int i = 0; i < 3; i++) {
			this.workers.add(NodeProcess.start(this.directory, "AUTO", "multi", log));
		}
	}

	@AfterAll
	void stopGroup() {
		this.extra.forEach(NodeProcess::close);
		this.workers.forEach(NodeProcess::close);
		if (this.master != null) {
			this.master.close();
		}
	}

	private List<NodeProcess> all() {
		List<NodeProcess> all = new ArrayList<>(this.workers);
		all.add(0, this.master);
		return all;
	}

	@Test
	void roleAutoYieldsExactlyOneMaster() {
		assertThat(this.master.role()).isEqualTo("MASTER");
		assertThat(this.workers).allSatisfy((worker) -> assertThat(worker.role()).isEqualTo("WORKER"));
	}

	@Test
	void setInAnyProcessIsSeenInAll() throws Exception {
		for (NodeProcess writer : all()) {
			String key = "seen-" + writer.process().pid();
			long revision = Long.parseLong(writer.call("set " + key + " {\"from\":" + writer.process().pid() + "}"));
			for (NodeProcess reader : all()) {
				reader.call("await " + revision);
				assertThat(reader.call("get " + key)).isEqualTo("{\"from\":" + writer.process().pid() + "}");
			}
		}
	}

	@Test
	void concurrentSetsOnTheSameKeysLeaveIdenticalMaps() throws Exception {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < this.workers.size(); i++) {
			ids.add(this.workers.get(i).send("race-set 2000 10 race- " + i));
		}
		for (int i = 0; i < this.workers.size(); i++) {
			this.workers.get(i).await(ids.get(i));
		}
		String masterMap = awaitMastersRevisionEverywhere();
		assertThat(masterMap).contains("race-0", "race-9");
		for (NodeProcess node : all()) {
			assertThat(node.call("dump race-")).isEqualTo(masterMap);
		}
	}

	@Test
	void concurrentIncrementsAreNeverLost() throws Exception {
		List<String> ids = new ArrayList<>();
		for (NodeProcess worker : this.workers) {
			ids.add(worker.send("increment counter 1000"));
		}
		for (int i = 0; i < this.workers.size(); i++) {
			this.workers.get(i).await(ids.get(i));
		}
		awaitMastersRevisionEverywhere();
		for (NodeProcess node : all()) {
			assertThat(node.call("get counter")).isEqualTo("3000");
		}
	}

	@Test
	void compareAndSetRaceHasExactlyOneWinner() throws Exception {
		for (int round = 0; round < 20; round++) {
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < this.workers.size(); i++) {
				ids.add(this.workers.get(i).send("cas lock-" + round + " absent \"worker-" + i + "\""));
			}
			int winners = 0;
			for (int i = 0; i < this.workers.size(); i++) {
				if (this.workers.get(i).await(ids.get(i)).equals("true")) {
					winners++;
				}
			}
			assertThat(winners).as("winners of round %d", round).isEqualTo(1);
		}
	}

	@Test
	void workerJoiningAfterTenThousandKeysGetsAllOfThem() throws Exception {
		long revision = Long.parseLong(this.workers.get(0).call("preload 10000 join-"));
		Path log = Files.createTempFile("globalval-joiner", ".log");
		NodeProcess joiner = NodeProcess.start(this.directory, "WORKER", "multi", log);
		this.extra.add(joiner);
		joiner.call("await " + revision);
		assertThat(joiner.call("dump join-")).isEqualTo(this.master.call("dump join-"));
		assertThat(joiner.call("get join-9999")).isEqualTo("\"value-9999\"");
	}

	@Test
	void bytesSentForOneSetDoNotGrowWithTheMap() throws Exception {
		long atTen = bytesForOneSet("bytes-small-", 10);
		long atTenThousand = bytesForOneSet("bytes-large-", 10_000);
		logger.info("Master bytes for one set: {} at 10 keys, {} at 10,000 keys", atTen, atTenThousand);
		assertThat(atTenThousand).isBetween(atTen - 8, atTen + 8);
		assertThat(atTen).isLessThan(1000);
	}

	/** Preload keys, then measure what the master writes for one ~100-byte set by a worker. */
	private long bytesForOneSet(String prefix, int keys) throws Exception {
		this.workers.get(1).call("preload " + keys + " " + prefix);
		awaitMastersRevisionEverywhere();
		long before = Long.parseLong(this.master.call("bytes-sent"));
		long revision = Long.parseLong(this.workers.get(0).call("set " + prefix + "probe \"" + "x".repeat(96) + "\""));
		for (NodeProcess node : all()) {
			node.call("await " + revision);
		}
		return Long.parseLong(this.master.call("bytes-sent")) - before;
	}

	/** Wait until every process has the master's current revision; return the master's race- map. */
	private String awaitMastersRevisionEverywhere() throws Exception {
		String revision = this.master.call("revision");
		for (NodeProcess node : all()) {
			node.call("await " + revision);
		}
		return this.master.call("dump race-");
	}

}
