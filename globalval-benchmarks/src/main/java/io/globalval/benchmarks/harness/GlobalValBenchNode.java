package io.globalval.benchmarks.harness;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.globalval.GlobalValNodes;
import io.globalval.GlobalValTemplate;
import io.globalval.core.ChangeEvent;
import io.globalval.core.ChangeListener;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.ReplicaEntry;
import io.globalval.core.RolePreference;
import io.globalval.transport.redis.RedisSequencer;
import io.globalval.transport.redis.RedisTransportSettings;
import io.lettuce.core.RedisURI;

/**
 * globalval driven through the public API ({@link GlobalValTemplate} and a
 * {@link ChangeListener}): over its Unix socket, started by {@link GlobalValNodes}, or,
 * given a Redis URI, as a peer of the Redis transport ({@link RedisSequencer}). Pings are
 * disabled (one hour) so that workload B counts only the frames of the set.
 */
final class GlobalValBenchNode implements BenchNode, ChangeListener {

	/** Application name of every benchmark group (each group has its own directory). */
	static final String APP_NAME = "bench";

	private final Path directory;

	private final boolean master;

	private final String nodeName;

	private final String redisUri;

	private volatile Probe probe = Probe.NONE;

	private GlobalValNode node;

	private GlobalValTemplate template;

	GlobalValBenchNode(Path directory, boolean master, String nodeName) {
		this(directory, master, nodeName, null);
	}

	/**
	 * Create a node of the Redis transport (every process a peer) or, without a URI, of
	 * the Unix-socket transport.
	 * @param directory the group's directory (socket and lock of the Unix-socket transport)
	 * @param master whether this process is the Unix-socket transport's master
	 * @param nodeName the node's name in logs
	 * @param redisUri the Redis server, such as {@code redis://127.0.0.1:6379}, or {@code null}
	 */
	GlobalValBenchNode(Path directory, boolean master, String nodeName, String redisUri) {
		this.directory = directory;
		this.master = master;
		this.nodeName = nodeName;
		this.redisUri = redisUri;
	}

	@Override
	public void start() throws Exception {
		NodeSettings settings = NodeSettings.builder()
			.name(APP_NAME)
			.directory(this.directory)
			.role(this.master ? RolePreference.MASTER : RolePreference.WORKER)
			.nodeName(this.nodeName)
			.pingInterval(Duration.ofHours(1))
			.writeTimeout(Duration.ofSeconds(60))
			.build();
		if (this.redisUri != null) {
			this.node = GlobalValNodes.builder(settings)
				.sequencer(RedisSequencer.create(RedisURI.create(this.redisUri), RedisTransportSettings.defaults()))
				.start();
		}
		else {
			this.node = GlobalValNodes.start(settings);
		}
		if (!this.master) {
			// the master is the group's sequencer here, not one of the measured workers
			this.node.addListener(this);
		}
		this.node.ready().get(60, TimeUnit.SECONDS);
		this.template = new GlobalValTemplate(this.node);
	}

	@Override
	public void onChange(ChangeEvent event) {
		long now = System.nanoTime();
		byte[] json = event.json();
		if (json != null) {
			this.probe.arrived(event.key(), Values.field(json, 'w'), Values.field(json, 's'), Values.field(json, 't'),
					now);
		}
	}

	@Override
	public CompletableFuture<?> set(String key, Values.Val value) {
		return this.template.set(key, value);
	}

	@Override
	public CompletableFuture<?> increment(String key) {
		return this.template.increment(key, 1);
	}

	@Override
	public String get(String key) {
		ReplicaEntry entry = this.node.replica().entry(key);
		return (entry != null) ? new String(entry.json(), StandardCharsets.UTF_8) : null;
	}

	@Override
	public int size() {
		return this.node.replica().size();
	}

	@Override
	public Map<String, String> dump() {
		Map<String, String> map = new LinkedHashMap<>();
		this.node.replica()
			.rawEntries()
			.forEach((key, entry) -> map.put(key, new String(entry.json(), StandardCharsets.UTF_8)));
		return map;
	}

	@Override
	public long bytesSent() {
		return this.node.metrics().bytesSent();
	}

	@Override
	public void probe(Probe probe) {
		this.probe = probe;
	}

	@Override
	public void appliedProbe(java.util.function.LongConsumer recorder) {
		this.node.metrics().onPropagation((recorder != null) ? recorder : (nanos) -> {
		});
	}

	@Override
	public long revision() {
		return this.template.revision();
	}

	@Override
	public void awaitRevision(long revision, long timeoutMillis) throws Exception {
		this.template.awaitRevision(revision).get(timeoutMillis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		if (this.node != null) {
			this.node.close();
		}
	}

}
