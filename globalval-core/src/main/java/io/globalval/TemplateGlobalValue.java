package io.globalval;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.globalval.core.ChangeEvent;
import io.globalval.core.ChangeListener;
import io.globalval.core.GlobalValNode;
import io.globalval.core.Replica;
import tools.jackson.databind.JavaType;

/**
 * The {@link GlobalValue} of a {@link GlobalValTemplate}: reads go straight to the
 * replica (with the same per-entry conversion cache as the template's typed reads),
 * writes through the template, listeners onto the node.
 * <p>
 * A handle of a plain class reads with the {@code Class}, so that it shares the cached
 * conversion with {@code get(key, Type.class)}; one of a generic type reads with the
 * {@link JavaType} it resolved once, when it was created.
 *
 * @param <T> the type of the values
 */
final class TemplateGlobalValue<T> implements GlobalValue<T> {

	private final GlobalValTemplate template;

	private final Replica replica;

	private final String key;

	private final Class<T> type;

	/** The generic type, or {@code null} for a plain class. */
	private final JavaType genericType;

	private TemplateGlobalValue(GlobalValTemplate template, String key, Class<T> type, JavaType genericType) {
		this.template = template;
		this.replica = template.getNode().replica();
		this.key = key;
		this.type = type;
		this.genericType = genericType;
	}

	/**
	 * Create a handle of a plain class.
	 * @param <T> the type
	 * @param template the template, whose checks the key has passed
	 * @param key the key
	 * @param type the class
	 * @return the handle
	 */
	static <T> TemplateGlobalValue<T> of(GlobalValTemplate template, String key, Class<T> type) {
		return new TemplateGlobalValue<>(template, key, type, null);
	}

	/**
	 * Create a handle of a generic type.
	 * @param <T> the type
	 * @param template the template, whose checks the key has passed
	 * @param key the key
	 * @param type the type, constructed with the replica's mapper
	 * @return the handle
	 */
	static <T> TemplateGlobalValue<T> of(GlobalValTemplate template, String key, JavaType type) {
		return new TemplateGlobalValue<>(template, key, null, type);
	}

	@Override
	public String key() {
		return this.key;
	}

	@Override
	public T get() {
		return (this.genericType != null) ? this.replica.get(this.key, this.genericType)
				: this.replica.get(this.key, this.type);
	}

	@Override
	public CompletableFuture<Long> set(T value) {
		return this.template.set(this.key, value);
	}

	@Override
	public CompletableFuture<Boolean> compareAndSet(T expected, T update) {
		return this.template.compareAndSet(this.key, expected, update);
	}

	@Override
	public CompletableFuture<Boolean> delete() {
		return this.template.delete(this.key);
	}

	@Override
	public Registration onChange(Consumer<? super Change<T>> listener) {
		Objects.requireNonNull(listener, "'listener' must not be null");
		GlobalValNode node = this.template.getNode();
		KeyListener keyListener = new KeyListener(listener);
		node.addListener(keyListener);
		return () -> node.removeListener(keyListener);
	}

	private T convert(ChangeEvent event) {
		return (this.genericType != null) ? event.value(this.genericType) : event.value(this.type);
	}

	@Override
	public String toString() {
		return "GlobalValue[" + this.key + ", " + ((this.genericType != null) ? this.genericType.toCanonical()
				: this.type.getName()) + "]";
	}

	/**
	 * Hands the changes of this handle's key to one listener. Every change passes every
	 * listener of the node; comparing keys is all it costs the others.
	 */
	private final class KeyListener implements ChangeListener {

		private final Consumer<? super Change<T>> listener;

		KeyListener(Consumer<? super Change<T>> listener) {
			this.listener = listener;
		}

		@Override
		public void onChange(ChangeEvent event) {
			if (TemplateGlobalValue.this.key.equals(event.key())) {
				this.listener.accept(new Change<>(event.key(), convert(event), event.revision(), event.isLocal()));
			}
		}

		@Override
		public String toString() {
			return "listener of " + TemplateGlobalValue.this + " (" + this.listener + ")";
		}

	}

}
