package io.globalval.autoconfigure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import io.globalval.Role;
import io.globalval.cluster.CurrentJvm;
import io.globalval.cluster.WorkerLaunch;
import io.globalval.cluster.WorkerProcesses;
import io.globalval.core.GlobalValNode;

/**
 * Cluster mode: when this process is master, starts {@code globalval.cluster.workers}
 * JVMs of the same application as workers, and stops them when it stops (SIGTERM and
 * Ctrl-C included). It starts last and stops first, so workers find a ready master and
 * are gone before it closes. The workers are started with {@code GLOBALVAL_ROLE=worker}
 * (and {@code --globalval.role=worker}), failover on (one of them takes over if the
 * master dies), cluster mode off, the master's other arguments, and each its own port
 * in {@code SERVER_PORT}.
 * <p>
 * Only on the uds transport: on Redis every process is a peer, started on its own on
 * any host, so the auto-configuration refuses {@code globalval.cluster.workers} above 0
 * there.
 */
public class GlobalValClusterLifecycle implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(GlobalValClusterLifecycle.class);

	private final GlobalValNode node;

	private final GlobalValProperties.Cluster cluster;

	private final String[] arguments;

	private final Integer basePort;

	private volatile WorkerProcesses workers;

	/**
	 * Create the lifecycle.
	 * @param node this process's node
	 * @param cluster the cluster settings
	 * @param arguments this application's arguments, passed on to every worker
	 * @param basePort the HTTP port of the first worker, or {@code null} when the
	 * application serves no HTTP
	 */
	public GlobalValClusterLifecycle(GlobalValNode node, GlobalValProperties.Cluster cluster, String[] arguments,
			Integer basePort) {
		this.node = node;
		this.cluster = cluster;
		this.arguments = arguments.clone();
		this.basePort = basePort;
	}

	@Override
	public void start() {
		if (this.node.role() != Role.MASTER || this.cluster.getWorkers() <= 0) {
			return;
		}
		Path directory = this.node.settings().directory();
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("GLOBALVAL_ROLE", "worker");
		environment.put("GLOBALVAL_FAILOVER_ENABLED", "true");
		environment.put("GLOBALVAL_CLUSTER_WORKERS", "0");
		environment.put("GLOBALVAL_NAME", this.node.settings().name());
		environment.put("GLOBALVAL_UDS_DIRECTORY", directory.toString());
		WorkerLaunch launch = new WorkerLaunch(this.cluster.getWorkers(),
				CurrentJvm.command(null, workerArguments(this.arguments)), environment, this.basePort,
				this.cluster.getRestartBackoff(), this.cluster.getMaxRestartsPerMinute(), this.cluster.getStopTimeout());
		logger.info("Cluster mode: starting {} workers of '{}'{}", launch.workers(), this.node.settings().name(),
				(this.basePort != null) ? " on ports " + this.basePort + "-" + (this.basePort + launch.workers() - 1) : "");
		WorkerProcesses processes = new WorkerProcesses(launch);
		processes.start();
		this.workers = processes;
	}

	/**
	 * The master's arguments, less those that would override what a worker must be (its
	 * port comes from SERVER_PORT), plus the worker's own settings, which command-line
	 * arguments give the highest precedence.
	 */
	static List<String> workerArguments(String[] arguments) {
		List<String> result = new ArrayList<>();
		for (String argument : arguments) {
			if (!OVERRIDDEN_PREFIXES.stream().anyMatch(argument::startsWith)) {
				result.add(argument);
			}
		}
		result.add("--globalval.role=worker");
		result.add("--globalval.failover.enabled=true");
		result.add("--globalval.cluster.workers=0");
		return result;
	}

	private static final List<String> OVERRIDDEN_PREFIXES = List.of("--server.port=", "--globalval.role=",
			"--globalval.failover.enabled=", "--globalval.cluster.workers=");

	@Override
	public void stop() {
		WorkerProcesses processes = this.workers;
		if (processes != null) {
			processes.stop();
			this.workers = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.workers != null;
	}

	/**
	 * Return the process ids of the workers, by index from 1 (0 for one not running).
	 * @return the pids, empty when this process started no workers
	 */
	public List<Long> workerPids() {
		WorkerProcesses processes = this.workers;
		return (processes != null) ? processes.pids() : List.of();
	}

	/**
	 * Start after everything else, stop before: workers come and go while the master is up.
	 * @return the phase
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	@Override
	public String toString() {
		return "GlobalValClusterLifecycle" + Arrays.toString(this.arguments);
	}

}
