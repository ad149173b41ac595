package io.globalval.transport.uds;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.testsupport.NodeProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With persistence on, a master killed with SIGKILL comes back with every acknowledged
 * write when the application starts again.
 */
class PersistenceTests {

	@TempDir
	Path directory;

	@TempDir
	Path data;

	private final List<NodeProcess> nodes = new ArrayList<>();

	@AfterEach
	void killNodes() {
		this.nodes.forEach(NodeProcess::close);
	}

	private NodeProcess start(Path log) throws Exception {
		NodeProcess node = NodeProcess.start(this.directory, "AUTO", "persisted", log, this.data.toString(),
				"ALWAYS");
		this.nodes.add(node);
		return node;
	}

	@Test
	void acknowledgedWritesSurviveAKilledMasterAndAFullRestart() throws Exception {
		Path log = Files.createTempFile("globalval-persistence", ".log");
		NodeProcess master = start(log);
		NodeProcess worker = start(log);
		worker.call("preload 500 kept-");
		worker.call("increment kept-counter 300");
		long revision = Long.parseLong(master.call("revision"));
		assertThat(revision).isEqualTo(800);
		// the whole application goes down hard
		worker.process().destroyForcibly();
		master.process().destroyForcibly();
		master.process().waitFor();
		worker.process().waitFor();
		NodeProcess restarted = start(log);
		assertThat(restarted.role()).isEqualTo("MASTER");
		assertThat(restarted.call("revision")).isEqualTo("800");
		assertThat(restarted.call("size")).isEqualTo("501");
		assertThat(restarted.call("get kept-counter")).isEqualTo("300");
		assertThat(restarted.call("get kept-499")).isEqualTo("\"value-499\"");
	}

}
