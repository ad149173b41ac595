package io.globalval.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.globalval.benchmarks.relay.RelayClient;
import io.globalval.benchmarks.relay.RelayFrames;

/**
 * A worker of the raw relay: a local map, filled by what arrives and by its own sets.
 * Nothing orders concurrent writers, so replicas may diverge; that is the point of a
 * floor.
 */
final class RelayBenchNode implements BenchNode {

	private final Path socket;

	private final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();

	private volatile Probe probe = Probe.NONE;

	private RelayClient client;

	RelayBenchNode(Path socket) {
		this.socket = socket;
	}

	@Override
	public void start() throws IOException {
		this.client = RelayClient.connect(this.socket, this::arrived);
	}

	private void arrived(String key, byte[] value) {
		this.map.put(key, value);
		long now = System.nanoTime();
		this.probe.arrived(key, Values.field(value, 'w'), Values.field(value, 's'), Values.field(value, 't'), now);
	}

	/**
	 * Preload a key in this worker's map only (every worker does the same, so all start
	 * equal, at no cost to the relay).
	 * @param key the key
	 * @param value the value
	 */
	void putLocal(String key, Values.Val value) {
		this.map.put(key, Values.jsonBytes(value));
	}

	@Override
	public CompletableFuture<?> set(String key, Values.Val value) {
		byte[] bytes = Values.jsonBytes(value);
		write(key, bytes);
		this.probe.arrived(key, value.w(), value.s(), value.t(), System.nanoTime());
		return DONE;
	}

	private void write(String key, byte[] bytes) {
		try {
			this.client.send(RelayFrames.set(key, bytes));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.map.put(key, bytes);
	}

	@Override
	public CompletableFuture<?> increment(String key) {
		byte[] current = this.map.get(key);
		long value = (current != null) ? Long.parseLong(new String(current, StandardCharsets.ISO_8859_1)) : 0;
		write(key, Long.toString(value + 1).getBytes(StandardCharsets.ISO_8859_1));
		return DONE;
	}

	@Override
	public String get(String key) {
		byte[] value = this.map.get(key);
		return (value != null) ? new String(value, StandardCharsets.UTF_8) : null;
	}

	@Override
	public int size() {
		return this.map.size();
	}

	@Override
	public Map<String, String> dump() {
		Map<String, String> copy = new LinkedHashMap<>();
		this.map.forEach((key, value) -> copy.put(key, new String(value, StandardCharsets.UTF_8)));
		return copy;
	}

	@Override
	public long bytesSent() {
		return this.client.bytesSent();
	}

	@Override
	public void probe(Probe probe) {
		this.probe = probe;
	}

	@Override
	public void close() {
		if (this.client != null) {
			this.client.close();
		}
	}

}
