package io.globalval.transport.uds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.testsupport.NodeProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A master killed with SIGKILL in the middle of writes: a worker takes over, no
 * acknowledged write is lost, and every process ends with the same map.
 */
class FailoverTests {

	private static final Logger logger = LoggerFactory.getLogger(FailoverTests.class);

	@TempDir
	Path directory;

	private final List<NodeProcess> nodes = new ArrayList<>();

	@AfterEach
	void killNodes() {
		this.nodes.forEach(NodeProcess::close);
	}

	private NodeProcess start(Path log) throws Exception {
		NodeProcess node = NodeProcess.start(this.directory, "AUTO", "chaos", log);
		this.nodes.add(node);
		return node;
	}

	@Test
	void masterKilledMidRunIsReplacedAndNoAcknowledgedWriteIsLost() throws Exception {
		Path log = Files.createTempFile("globalval-chaos", ".log");
		NodeProcess master = start(log);
		List<NodeProcess> workers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			workers.add(start(log));
		}
		assertThat(master.role()).isEqualTo("MASTER");
		List<String> runs = new ArrayList<>();
		for (NodeProcess worker : workers) {
			runs.add(worker.send("bg chaos 8000 chaos-"));
		}
		// let the writers get going, then kill the master without warning
		await().atMost(Duration.ofSeconds(30))
			.until(() -> Long.parseLong(workers.get(0).call("revision")) > 500);
		long revisionAtKill = Long.parseLong(workers.get(0).call("revision"));
		master.process().destroyForcibly();
		long killedAt = System.nanoTime();
		AtomicReference<NodeProcess> newMaster = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
			for (NodeProcess worker : workers) {
				if (worker.call("role").equals("MASTER")) {
					newMaster.set(worker);
					return true;
				}
			}
			return false;
		});
		long failoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
		long succeeded = 0;
		long failed = 0;
		for (int i = 0; i < workers.size(); i++) {
			String[] counts = workers.get(i).await(runs.get(i)).split(" ");
			succeeded += Long.parseLong(counts[0]);
			failed += Long.parseLong(counts[1]);
		}
		String revision = newMaster.get().call("revision");
		logger.info("Failover took {} ms; killed at revision {}, ended at {}; {} increments succeeded, {} writes failed",
				failoverMillis, revisionAtKill, revision, succeeded, failed);
		// the writers went on after the kill: the master really died mid-run
		assertThat(Long.parseLong(revision)).isGreaterThan(revisionAtKill + 100);
		for (NodeProcess worker : workers) {
			worker.call("await " + revision);
		}
		String expected = newMaster.get().call("dump chaos-");
		for (NodeProcess worker : workers) {
			assertThat(worker.call("dump chaos-")).isEqualTo(expected);
		}
		assertThat(newMaster.get().call("get chaos-counter")).isEqualTo(String.valueOf(succeeded));
		assertThat(workers.stream().filter((worker) -> {
			try {
				return worker.call("role").equals("MASTER");
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}).count()).isEqualTo(1);
	}

}
