package io.globalval.autoconfigure.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import io.globalval.Role;
import io.globalval.autoconfigure.GlobalValClusterLifecycle;
import io.globalval.autoconfigure.GlobalValConnectionMonitor;
import io.globalval.cluster.WorkerStatus;
import io.globalval.core.GlobalValNode;

/**
 * {@link HealthIndicator} of globalval: a master is up; a worker (a Redis peer) is up
 * while it is connected to its master (to Redis), or has been cut off for less than
 * {@code globalval.health.max-disconnected} (it reconnects by itself), and down after
 * that. A cluster-mode master shows the state, pid and restarts of each of its workers
 * ({@code clusterWorkers}), and is down once it gave up restarting one of them (more
 * than {@code globalval.cluster.max-restarts-per-minute}): only a restart of the master
 * starts that worker again.
 * A Redis peer's details also show how it reaches Redis ({@code topology}) and the
 * time and outcome of its last check that Redis still holds its history
 * ({@code historyCheck}).
 */
public class GlobalValHealthIndicator extends AbstractHealthIndicator {

	private final GlobalValNode node;

	private final GlobalValConnectionMonitor monitor;

	private final Duration maxDisconnected;

	private final GlobalValClusterLifecycle cluster;

	/**
	 * Create a new health indicator.
	 * @param node the node
	 * @param monitor the monitor of the node's connection
	 * @param maxDisconnected how long a worker or peer may be cut off before it is down
	 */
	public GlobalValHealthIndicator(GlobalValNode node, GlobalValConnectionMonitor monitor, Duration maxDisconnected) {
		this(node, monitor, maxDisconnected, null);
	}

	/**
	 * Create a new health indicator that reports the workers of cluster mode too.
	 * @param node the node
	 * @param monitor the monitor of the node's connection
	 * @param maxDisconnected how long a worker or peer may be cut off before it is down
	 * @param cluster the cluster-mode workers this process started, or {@code null}
	 */
	public GlobalValHealthIndicator(GlobalValNode node, GlobalValConnectionMonitor monitor, Duration maxDisconnected,
			GlobalValClusterLifecycle cluster) {
		super("globalval health check failed");
		this.node = node;
		this.monitor = monitor;
		this.maxDisconnected = maxDisconnected;
		this.cluster = cluster;
	}

	private static Map<String, Map<String, Object>> clusterWorkers(List<WorkerStatus> workers) {
		Map<String, Map<String, Object>> details = new LinkedHashMap<>();
		for (WorkerStatus worker : workers) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("state", worker.state());
			detail.put("pid", worker.pid());
			detail.put("restarts", worker.restarts());
			details.put(worker.name(), detail);
		}
		return details;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Duration disconnectedFor = this.monitor.disconnectedFor();
		Role role = this.node.role();
		boolean down = role != Role.MASTER && disconnectedFor.compareTo(this.maxDisconnected) > 0;
		List<WorkerStatus> clusterWorkers = (this.cluster != null) ? this.cluster.workerStatus() : List.of();
		List<String> givenUp = clusterWorkers.stream()
			.filter((worker) -> worker.state() == WorkerStatus.State.GAVE_UP)
			.map(WorkerStatus::name)
			.toList();
		builder.status((down || !givenUp.isEmpty()) ? Status.DOWN : Status.UP);
		builder.withDetail("name", this.node.settings().name())
			.withDetail("role", role)
			.withDetail("revision", this.node.replica().revision())
			.withDetail("connected", this.node.isConnected());
		if (role == Role.MASTER) {
			builder.withDetail("workers", this.node.workers().size());
		}
		// where the changes are sequenced, as the transport says it: a socket, host:port, a Redis server
		builder.withDetail("address", this.node.sequencerAddress());
		// a Redis peer: the topology (standalone, Sentinel, Cluster) and the last check of the history
		builder.withDetails(this.node.sequencerDetails());
		if (!disconnectedFor.isZero()) {
			builder.withDetail("disconnectedFor", disconnectedFor.toString())
				.withDetail("maxDisconnected", this.maxDisconnected.toString());
		}
		if (!clusterWorkers.isEmpty()) {
			builder.withDetail("clusterWorkers", clusterWorkers(clusterWorkers));
		}
		if (down) {
			builder.withDetail("error", (role == Role.PEER)
					? "Cut off from Redis for longer than globalval.health.max-disconnected"
					: "Cut off from the master for longer than globalval.health.max-disconnected");
		}
		else if (!givenUp.isEmpty()) {
			builder.withDetail("error", "Cluster mode gave up restarting " + String.join(", ", givenUp)
					+ " after more restarts within a minute than globalval.cluster.max-restarts-per-minute; "
					+ "see the worker's output, then restart the master");
		}
	}

}
