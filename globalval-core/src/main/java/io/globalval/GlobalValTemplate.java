package io.globalval;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.globalval.core.GlobalValNode;
import io.globalval.core.Replica;
import io.globalval.core.RequestLimits;
import io.globalval.core.ValueCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The default {@link GlobalValOperations}: checks keys and values, writes values as JSON
 * once with Jackson, and hands them to a {@link GlobalValNode}. Reads go straight to the
 * node's replica. Immutable and thread-safe; one instance per node is all an application
 * needs.
 */
public class GlobalValTemplate implements GlobalValOperations {

	private final GlobalValNode node;

	private final Replica replica;

	private final ValueCodec codec;

	private final RequestLimits limits;

	/**
	 * Create a template that writes values with the node's own mapper.
	 * @param node the node
	 */
	public GlobalValTemplate(GlobalValNode node) {
		this(node, node.replica().codec().mapper());
	}

	/**
	 * Create a template.
	 * @param node the node
	 * @param mapper the mapper to write values with
	 */
	public GlobalValTemplate(GlobalValNode node, JsonMapper mapper) {
		this.node = Objects.requireNonNull(node, "'node' must not be null");
		this.replica = node.replica();
		this.codec = (mapper == node.replica().codec().mapper()) ? node.replica().codec()
				: new ValueCodec(mapper, node.settings().maxValueSize());
		this.limits = new RequestLimits(node.settings(), this.codec);
	}

	/**
	 * Return the node this template works on.
	 * @return the node
	 */
	public GlobalValNode getNode() {
		return this.node;
	}

	@Override
	public Object get(String key) {
		return this.replica.get(key);
	}

	@Override
	public <T> T get(String key, Class<T> type) {
		Objects.requireNonNull(type, "'type' must not be null");
		return this.replica.get(key, type);
	}

	@Override
	public <T> GlobalValue<T> value(String key, Class<T> type) {
		checkKey(key);
		Objects.requireNonNull(type, "'type' must not be null");
		return TemplateGlobalValue.of(this, key, type);
	}

	@Override
	public <T> GlobalValue<T> value(String key, TypeReference<T> type) {
		checkKey(key);
		Objects.requireNonNull(type, "'type' must not be null");
		// reads convert with the replica's mapper, so the type is constructed with it too
		return TemplateGlobalValue.of(this, key, this.replica.codec().mapper().constructType(type));
	}

	@Override
	public Map<String, Object> entries() {
		return this.replica.toMap();
	}

	@Override
	public long revision() {
		return this.replica.revision();
	}

	@Override
	public CompletableFuture<Long> set(String key, Object value) {
		checkKey(key);
		if (value == null) {
			throw new IllegalArgumentException("Value must not be null; use delete(\"" + key + "\") to remove a key");
		}
		return this.node.set(key, write(key, value));
	}

	@Override
	public CompletableFuture<Boolean> delete(String key) {
		checkKey(key);
		return this.node.delete(key);
	}

	@Override
	public CompletableFuture<Boolean> compareAndSet(String key, Object expected, Object update) {
		checkKey(key);
		if (update == null) {
			throw new IllegalArgumentException(
					"Update value must not be null; use delete(\"" + key + "\") to remove a key");
		}
		byte[] expectedJson = (expected != null) ? write(key, expected) : null;
		return this.node.compareAndSet(key, expectedJson, write(key, update));
	}

	@Override
	public CompletableFuture<Long> increment(String key, long delta) {
		checkKey(key);
		return this.node.increment(key, delta);
	}

	@Override
	public CompletableFuture<Void> broadcast() {
		return this.node.broadcast();
	}

	@Override
	public CompletableFuture<Long> awaitRevision(long revision) {
		return this.node.awaitRevision(revision);
	}

	@Override
	public Role role() {
		return this.node.role();
	}

	@Override
	public boolean isReady() {
		return this.replica.isReady();
	}

	private void checkKey(String key) {
		String problem = this.limits.problemWithKey(key);
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
	}

	private byte[] write(String key, Object value) {
		byte[] json;
		try {
			json = this.codec.encode(value);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Value for '" + key + "' cannot be written as JSON ("
					+ value.getClass().getName() + "): " + ex.getOriginalMessage(), ex);
		}
		String problem = this.limits.problemWithSize(key, json);
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
		return json;
	}

}
