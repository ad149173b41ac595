package io.globalval.autoconfigure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.globalval.GlobalValNodes;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.RolePreference;

/**
 * Nodes started without Spring next to a context under test, as the other processes of
 * its application would be. Close it in {@code @AfterEach}.
 */
public final class OtherNodes implements AutoCloseable {

	/** The application name the tests use. */
	public static final String NAME = "test";

	private final Path directory;

	private final List<GlobalValNode> nodes = new ArrayList<>();

	public OtherNodes(Path directory) {
		this.directory = directory;
	}

	/**
	 * Start a master of {@link #NAME} in the directory.
	 * @return the master
	 */
	public GlobalValNode master() {
		return start(RolePreference.MASTER, "other-master");
	}

	/**
	 * Start a worker of {@link #NAME} in the directory and wait until it is ready.
	 * @param nodeName its name
	 * @return the worker
	 * @throws Exception if it does not get ready
	 */
	public GlobalValNode worker(String nodeName) throws Exception {
		GlobalValNode worker = start(RolePreference.WORKER, nodeName);
		worker.ready().get(10, TimeUnit.SECONDS);
		return worker;
	}

	private GlobalValNode start(RolePreference role, String nodeName) {
		NodeSettings settings = NodeSettings.builder()
			.name(NAME)
			.directory(this.directory)
			.role(role)
			.nodeName(nodeName)
			.pingInterval(java.time.Duration.ofMillis(100))
			.build();
		GlobalValNode node = GlobalValNodes.start(settings);
		this.nodes.add(node);
		return node;
	}

	@Override
	public void close() {
		this.nodes.forEach(GlobalValNode::close);
		this.nodes.clear();
	}

}
