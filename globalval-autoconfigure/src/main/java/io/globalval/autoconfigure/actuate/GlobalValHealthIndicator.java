package io.globalval.autoconfigure.actuate;

import java.time.Duration;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import io.globalval.Role;
import io.globalval.autoconfigure.GlobalValConnectionMonitor;
import io.globalval.core.GlobalValNode;

/**
 * {@link HealthIndicator} of globalval: a master is up; a worker (a Redis peer) is up
 * while it is connected to its master (to Redis), or has been cut off for less than
 * {@code globalval.health.max-disconnected} (it reconnects by itself), and down after
 * that. A Redis peer's details also show how it reaches Redis ({@code topology}) and the
 * time and outcome of its last check that Redis still holds its history
 * ({@code historyCheck}).
 */
public class GlobalValHealthIndicator extends AbstractHealthIndicator {

	private final GlobalValNode node;

	private final GlobalValConnectionMonitor monitor;

	private final Duration maxDisconnected;

	/**
	 * Create a new health indicator.
	 * @param node the node
	 * @param monitor the monitor of the node's connection
	 * @param maxDisconnected how long a worker or peer may be cut off before it is down
	 */
	public GlobalValHealthIndicator(GlobalValNode node, GlobalValConnectionMonitor monitor, Duration maxDisconnected) {
		super("globalval health check failed");
		this.node = node;
		this.monitor = monitor;
		this.maxDisconnected = maxDisconnected;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Duration disconnectedFor = this.monitor.disconnectedFor();
		Role role = this.node.role();
		boolean down = role != Role.MASTER && disconnectedFor.compareTo(this.maxDisconnected) > 0;
		builder.status(down ? Status.DOWN : Status.UP);
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
		if (down) {
			builder.withDetail("error", (role == Role.PEER)
					? "Cut off from Redis for longer than globalval.health.max-disconnected"
					: "Cut off from the master for longer than globalval.health.max-disconnected");
		}
	}

}
