package io.globalval.autoconfigure.actuate;

import java.util.List;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import io.globalval.Role;
import io.globalval.core.GlobalValNode;
import io.globalval.core.WorkerStatus;

/**
 * {@link Endpoint @Endpoint} that shows this process's part in globalval: its role, its
 * replica's revision and size, whether it is connected (to its master, or a peer to
 * Redis) and its address, and for a master the workers with their revision and lag. Values
 * are never shown.
 */
@Endpoint(id = "globalval")
public class GlobalValEndpoint {

	private final GlobalValNode node;

	/**
	 * Create a new endpoint.
	 * @param node the node to describe
	 */
	public GlobalValEndpoint(GlobalValNode node) {
		this.node = node;
	}

	/**
	 * Describe the node.
	 * @return the description
	 */
	@ReadOperation
	public GlobalValDescriptor globalVal() {
		List<WorkerDescriptor> workers = this.node.workers()
			.stream()
			.map(WorkerDescriptor::new)
			.toList();
		return new GlobalValDescriptor(this.node.settings().name(), this.node.role(), this.node.settings().nodeName(),
				this.node.nodeId(), this.node.replica().revision(), this.node.replica().size(),
				this.node.isConnected(), this.node.replica().isReady(), this.node.sequencerAddress(), workers);
	}

	/**
	 * Description of a node.
	 *
	 * @param name the application name
	 * @param role the role of this process
	 * @param nodeName the readable name of this process
	 * @param nodeId the id of this process in the group (0 for the master)
	 * @param revision the last revision applied here
	 * @param keys the number of keys in the replica
	 * @param connected whether connected to the master (a peer: to Redis; always for a master)
	 * @param ready whether the replica may be read
	 * @param address where changes are sequenced, as the transport describes it: the
	 * master's socket, its TCP host and port, or a peer's Redis server
	 * @param workers the connected workers (a master's; empty for a worker or peer)
	 */
	public record GlobalValDescriptor(String name, Role role, String nodeName, long nodeId, long revision, int keys,
			boolean connected, boolean ready, String address, List<WorkerDescriptor> workers)
			implements OperationResponseBody {
	}

	/**
	 * Description of a worker, as its master knows it.
	 *
	 * @param nodeId the worker's id
	 * @param name the worker's readable name
	 * @param pid the worker's process id
	 * @param revision the revision it last reported
	 * @param revisionsBehind how many revisions it was behind the master then
	 * @param lagMillis the round trip of the master's last probe, in milliseconds
	 */
	public record WorkerDescriptor(long nodeId, String name, long pid, long revision, long revisionsBehind,
			double lagMillis) {

		WorkerDescriptor(WorkerStatus status) {
			this(status.nodeId(), status.name(), status.pid(), status.revision(), status.revisionsBehind(),
					status.lagNanos() / 1_000_000.0);
		}

	}

}
