package io.globalval.autoconfigure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.SmartLifecycle;

import io.globalval.Role;
import io.globalval.cluster.CurrentJvm;
import io.globalval.cluster.JvmOptionFilter;
import io.globalval.cluster.WorkerLaunch;
import io.globalval.cluster.WorkerPort;
import io.globalval.cluster.WorkerProcesses;
import io.globalval.cluster.WorkerStatus;
import io.globalval.core.GlobalValNode;

/**
 * Cluster mode: when this process is master, starts {@code globalval.cluster.workers}
 * JVMs of the same application as workers, and stops them when it stops (SIGTERM and
 * Ctrl-C included). It starts last and stops first, so workers find a ready master and
 * are gone before it closes. The workers are started with {@code GLOBALVAL_ROLE=worker}
 * (and {@code --globalval.role=worker}), failover on (one of them takes over if the
 * master dies), cluster mode off, the master's JVM options less
 * {@code globalval.cluster.jvm-options-excluded} and plus
 * {@code globalval.cluster.jvm-options}, the master's other arguments, and each its own
 * ports as arguments ({@code --server.port=}, {@code --management.server.port=}). With
 * {@code globalval.cluster.exit-with-parent} they are told this process's pid, and shut
 * down when it is gone ({@link GlobalValParentWatch}).
 * <p>
 * Only on the uds and tcp transports: on Redis every process is a peer, started on its
 * own on any host, so the auto-configuration refuses {@code globalval.cluster.workers}
 * above 0 there; and not in a native image, which has no JVM to start again.
 */
public class GlobalValClusterLifecycle implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(GlobalValClusterLifecycle.class);

	/** Arguments of the master that a worker gets a value of its own for. */
	private static final List<String> OVERRIDDEN_ARGUMENTS = List.of("--server.port=", "--management.server.port=",
			"--globalval.role=", "--globalval.failover.enabled=", "--globalval.cluster.workers=");

	/** JVM options of the master that a worker outranks with an argument: left out to avoid confusion. */
	private static final List<String> OVERRIDDEN_JVM_OPTIONS = List.of("-Dserver.port=", "-Dmanagement.server.port=");

	private final GlobalValNode node;

	private final GlobalValProperties.Cluster cluster;

	private final String[] arguments;

	private final List<WorkerPort> ports;

	private volatile WorkerProcesses workers;

	/**
	 * Create the lifecycle.
	 * @param node this process's node
	 * @param cluster the cluster settings
	 * @param arguments this application's arguments, passed on to every worker
	 * @param ports the ports every worker gets an argument of its own for, none when the
	 * application serves no HTTP
	 */
	public GlobalValClusterLifecycle(GlobalValNode node, GlobalValProperties.Cluster cluster, String[] arguments,
			List<WorkerPort> ports) {
		this.node = node;
		this.cluster = cluster;
		this.arguments = arguments.clone();
		this.ports = List.copyOf(ports);
	}

	/**
	 * Refuse cluster mode in a native image: it starts workers as JVMs of the
	 * application's jar or classpath, which a native executable does not have.
	 * @param cluster the cluster settings
	 * @param inNativeImage whether this is a native image
	 * @throws InvalidConfigurationPropertyValueException when workers are asked for in a
	 * native image
	 */
	static void refuseInNativeImage(GlobalValProperties.Cluster cluster, boolean inNativeImage) {
		if (inNativeImage && cluster.getWorkers() > 0) {
			throw new InvalidConfigurationPropertyValueException("globalval.cluster.workers", cluster.getWorkers(),
					"Cluster mode starts its workers as JVMs of this application's jar or classpath, which a native "
							+ "image does not have; set globalval.cluster.workers=0 and run " + (cluster.getWorkers() + 1)
							+ " processes of the native executable instead (with globalval.role=auto the first is "
							+ "master; give each its own server.port), e.g. as systemd units or Kubernetes replicas");
		}
	}

	@Override
	public void start() {
		if (this.node.role() != Role.MASTER || this.cluster.getWorkers() <= 0) {
			return;
		}
		WorkerLaunch launch = launch(CurrentJvm.jvmOptions());
		logger.info("Cluster mode: starting {} workers of '{}'{}", launch.workers(), this.node.settings().name(),
				this.ports.isEmpty() ? "" : " with " + portRanges(launch));
		WorkerProcesses processes = new WorkerProcesses(launch);
		processes.start();
		this.workers = processes;
	}

	/**
	 * How the workers are started.
	 * @param masterJvmOptions the JVM options of this process
	 */
	WorkerLaunch launch(List<String> masterJvmOptions) {
		Path directory = this.node.settings().directory();
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("GLOBALVAL_ROLE", "worker");
		environment.put("GLOBALVAL_FAILOVER_ENABLED", "true");
		environment.put("GLOBALVAL_CLUSTER_WORKERS", "0");
		environment.put("GLOBALVAL_NAME", this.node.settings().name());
		environment.put("GLOBALVAL_UDS_DIRECTORY", directory.toString());
		if (this.cluster.isExitWithParent()) {
			environment.put(WorkerLaunch.PARENT_PID_VARIABLE, String.valueOf(ProcessHandle.current().pid()));
		}
		List<String> command = CurrentJvm.command(null, workerJvmOptions(masterJvmOptions, this.cluster),
				workerArguments(this.arguments));
		return new WorkerLaunch(this.cluster.getWorkers(), command, environment, this.ports,
				this.cluster.getRestartBackoff(), this.cluster.getMaxRestartsPerMinute(), this.cluster.getStopTimeout(),
				this.cluster.getOutput());
	}

	private static String portRanges(WorkerLaunch launch) {
		List<String> ranges = new ArrayList<>();
		for (WorkerPort port : launch.ports()) {
			ranges.add(port.property() + " " + port.port(1)
					+ ((port.first() > 0 && launch.workers() > 1) ? "-" + port.port(launch.workers()) : ""));
		}
		return String.join(", ", ranges);
	}

	/**
	 * The master's JVM options less the excluded ones and those a worker's arguments
	 * override, plus the workers' own.
	 */
	static List<String> workerJvmOptions(List<String> masterJvmOptions, GlobalValProperties.Cluster cluster) {
		List<String> excluded = new ArrayList<>(cluster.getJvmOptionsExcluded());
		excluded.addAll(OVERRIDDEN_JVM_OPTIONS);
		List<String> options = new ArrayList<>(new JvmOptionFilter(excluded).filter(masterJvmOptions));
		options.addAll(cluster.getJvmOptions());
		return options;
	}

	/**
	 * The master's arguments, less those that would override what a worker must be (its
	 * ports come as arguments of their own, which a repeated argument would turn into a
	 * list), plus the worker's own settings, which command-line arguments give the
	 * highest precedence.
	 */
	static List<String> workerArguments(String[] arguments) {
		List<String> result = new ArrayList<>();
		for (String argument : arguments) {
			if (OVERRIDDEN_ARGUMENTS.stream().noneMatch(argument::startsWith)) {
				result.add(argument);
			}
		}
		result.add("--globalval.role=worker");
		result.add("--globalval.failover.enabled=true");
		result.add("--globalval.cluster.workers=0");
		return result;
	}

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
	 * Return what each worker is doing (running, waiting for a restart, given up on), by
	 * index from 1.
	 * @return the status of the workers, empty when this process started none
	 */
	public List<WorkerStatus> workerStatus() {
		WorkerProcesses processes = this.workers;
		return (processes != null) ? processes.status() : List.of();
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
