package io.globalval.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.EntryAdapter;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.server.ServerConnection;
import com.hazelcast.internal.server.tcp.TcpServerConnection;
import com.hazelcast.replicatedmap.ReplicatedMap;

/**
 * A Hazelcast member holding a {@link ReplicatedMap}: embedded, on 127.0.0.1, TCP-IP
 * join, multicast off. Arrival is its entry listener. Hazelcast has no atomic update on
 * a ReplicatedMap, so {@link #increment} is get-then-put.
 */
final class HazelcastBenchNode implements BenchNode {

	/** Name of the replicated map every workload uses. */
	static final String MAP_NAME = "bench";

	private final String clusterName;

	private final int basePort;

	private final int portCount;

	private volatile Probe probe = Probe.NONE;

	private HazelcastInstance hazelcast;

	private ReplicatedMap<String, String> map;

	HazelcastBenchNode(String clusterName, int basePort, int portCount) {
		this.clusterName = clusterName;
		this.basePort = basePort;
		this.portCount = portCount;
	}

	/**
	 * Return the member configuration of a benchmark cluster.
	 * @param clusterName the cluster name, unique per group
	 * @param basePort the first port of the group's range
	 * @param portCount how many ports the range has
	 * @return the configuration
	 */
	static Config config(String clusterName, int basePort, int portCount) {
		Config config = new Config();
		config.setClusterName(clusterName);
		config.setProperty("hazelcast.phone.home.enabled", "false");
		config.setProperty("hazelcast.logging.type", "slf4j");
		config.setProperty("hazelcast.wait.seconds.before.join", "1");
		config.setProperty("hazelcast.max.wait.seconds.before.join", "3");
		config.getJetConfig().setEnabled(false);
		NetworkConfig network = config.getNetworkConfig();
		network.setPort(basePort).setPortAutoIncrement(true).setPortCount(portCount);
		network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
		JoinConfig join = network.getJoin();
		join.getMulticastConfig().setEnabled(false);
		join.getAutoDetectionConfig().setEnabled(false);
		join.getTcpIpConfig().setEnabled(true);
		for (int port = basePort; port < basePort + portCount; port++) {
			join.getTcpIpConfig().addMember("127.0.0.1:" + port);
		}
		return config;
	}

	@Override
	public void start() {
		this.hazelcast = Hazelcast.newHazelcastInstance(config(this.clusterName, this.basePort, this.portCount));
		this.map = this.hazelcast.getReplicatedMap(MAP_NAME);
		this.map.addEntryListener(new EntryAdapter<>() {

			@Override
			public void entryAdded(EntryEvent<String, String> event) {
				arrived(event);
			}

			@Override
			public void entryUpdated(EntryEvent<String, String> event) {
				arrived(event);
			}

		});
	}

	private void arrived(EntryEvent<String, String> event) {
		long now = System.nanoTime();
		String value = event.getValue();
		if (value != null) {
			this.probe.arrived(event.getKey(), Values.field(value, 'w'), Values.field(value, 's'),
					Values.field(value, 't'), now);
		}
	}

	/**
	 * Return the number of members this member sees.
	 * @return the cluster size
	 */
	int members() {
		return this.hazelcast.getCluster().getMembers().size();
	}

	/**
	 * Put many entries at once.
	 * @param entries the entries
	 */
	void putAll(Map<String, String> entries) {
		this.map.putAll(entries);
	}

	@Override
	public CompletableFuture<?> set(String key, Values.Val value) {
		this.map.put(key, Values.json(value));
		return DONE;
	}

	@Override
	public CompletableFuture<?> increment(String key) {
		String current = this.map.get(key);
		long value = (current != null) ? Long.parseLong(current) : 0;
		this.map.put(key, Long.toString(value + 1));
		return DONE;
	}

	@Override
	public String get(String key) {
		return this.map.get(key);
	}

	@Override
	public int size() {
		return this.map.size();
	}

	@Override
	public Map<String, String> dump() {
		return new LinkedHashMap<>(this.map);
	}

	/**
	 * Sum, over this member's connections, of the bytes its I/O threads wrote to the
	 * socket (Hazelcast's own per-channel counter, internal API).
	 */
	@Override
	public long bytesSent() {
		long total = 0;
		HazelcastInstanceProxy proxy = (HazelcastInstanceProxy) this.hazelcast;
		for (ServerConnection connection : proxy.getOriginal().node.getServer().getConnections()) {
			if (connection instanceof TcpServerConnection) {
				total += ((TcpServerConnection) connection).getChannel().bytesWritten();
			}
		}
		return total;
	}

	@Override
	public void probe(Probe probe) {
		this.probe = probe;
	}

	@Override
	public void close() {
		if (this.hazelcast != null) {
			this.hazelcast.getLifecycleService().terminate();
		}
	}

}
