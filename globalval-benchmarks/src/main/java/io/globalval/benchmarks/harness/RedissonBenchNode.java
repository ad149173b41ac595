package io.globalval.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.LocalCacheUpdateListener;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * A process holding Redisson's {@link RLocalCachedMap} on a shared redis-server: the
 * "Redis-backed local cache" users compare globalval with. The local cache is unbounded,
 * never expires, and is kept up to date by Redisson's UPDATE sync strategy (each change
 * is published with its value, so every process's local copy is written without a read
 * back); after a reconnect the cache is reloaded. Arrival is Redisson's
 * {@link LocalCacheUpdateListener}, called when another process's change reached this
 * local cache. Values are JSON text ({@link StringCodec}). There is no atomic increment
 * on a local cached map, so {@link #increment} is get-then-put. Redisson's defaults
 * otherwise, but for the command timeout: with its default of 3 s, a burst of
 * asynchronous writes failed a third of its writes waiting for a pooled connection.
 */
final class RedissonBenchNode implements BenchNode {

	/** Name of the map every workload uses. */
	static final String MAP_NAME = "bench";

	/** How long a command may wait for a pooled connection and its answer: the harness's cap. */
	private static final int WRITE_TIMEOUT_MILLIS = 60_000;

	private final String redisAddress;

	private volatile Probe probe = Probe.NONE;

	private RedissonClient redisson;

	private RLocalCachedMap<String, String> map;

	/**
	 * Create a node.
	 * @param redisAddress the server, such as {@code redis://127.0.0.1:6379}
	 */
	RedissonBenchNode(String redisAddress) {
		this.redisAddress = redisAddress;
	}

	@Override
	public void start() {
		Config config = new Config();
		config.setCodec(StringCodec.INSTANCE);
		// a burst of asynchronous writes (workload T) waits for a pooled connection instead of
		// failing after the default 3 s ("Unable to acquire connection!"), as a user writing
		// in bursts would set it up; the pool keeps its default size
		config.useSingleServer().setAddress(this.redisAddress).setTimeout(WRITE_TIMEOUT_MILLIS);
		this.redisson = Redisson.create(config);
		LocalCachedMapOptions<String, String> options = LocalCachedMapOptions.<String, String>name(MAP_NAME)
			.cacheSize(0)
			.evictionPolicy(LocalCachedMapOptions.EvictionPolicy.NONE)
			.syncStrategy(LocalCachedMapOptions.SyncStrategy.UPDATE)
			.reconnectionStrategy(LocalCachedMapOptions.ReconnectionStrategy.LOAD);
		this.map = this.redisson.getLocalCachedMap(options);
		this.map.addListener((LocalCacheUpdateListener<String, String>) this::arrived);
		this.map.preloadCache();
	}

	private void arrived(String key, String value) {
		long now = System.nanoTime();
		if (value != null) {
			this.probe.arrived(key, Values.field(value, 'w'), Values.field(value, 's'), Values.field(value, 't'), now);
		}
	}

	/**
	 * Put many entries at once, then load the whole map into this process's cache.
	 * @param entries the entries
	 */
	void putAll(Map<String, String> entries) {
		this.map.putAll(entries);
	}

	/** Load every entry of the map into this process's local cache. */
	void preloadCache() {
		this.map.preloadCache();
	}

	@Override
	public CompletableFuture<?> set(String key, Values.Val value) {
		return this.map.fastPutAsync(key, Values.json(value)).toCompletableFuture();
	}

	@Override
	public CompletableFuture<?> increment(String key) {
		String current = this.map.get(key);
		long value = (current != null) ? Long.parseLong(current) : 0;
		this.map.fastPut(key, Long.toString(value + 1));
		return DONE;
	}

	@Override
	public String get(String key) {
		return this.map.get(key);
	}

	@Override
	public int size() {
		return this.map.getCachedMap().size();
	}

	@Override
	public Map<String, String> dump() {
		return new LinkedHashMap<>(this.map.getCachedMap());
	}

	@Override
	public long bytesSent() {
		return -1;
	}

	@Override
	public void probe(Probe probe) {
		this.probe = probe;
	}

	@Override
	public void close() {
		if (this.redisson != null) {
			this.redisson.shutdown();
		}
	}

}
