package io.globalval;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A handle on one key whose values have one type, from
 * {@link GlobalValOperations#value(String, Class)}: the key and the type are given once,
 * and every read, write and listener uses them.
 * <pre class="code">
 * GlobalValue&lt;Boolean&gt; maintenance = globalVals.value("maintenance", Boolean.class);
 * if (maintenance.getOrDefault(false)) { ... }          // local, no I/O
 * maintenance.set(true);                                // sequenced by the master
 * maintenance.onChange((change) -&gt; logger.info("Maintenance is now {}", change.value()));
 * </pre>
 * Reads and writes behave as the same calls on {@link GlobalValOperations} do: reads are
 * local and never block, writes complete once applied here. Handles are immutable and
 * thread-safe; hold one in a field rather than asking for it on every read.
 *
 * @param <T> the type of the values
 */
public interface GlobalValue<T> {

	/**
	 * Return the key of this handle.
	 * @return the key
	 */
	String key();

	/**
	 * Return the value in this process's replica, converted to the type. The conversion
	 * is cached as with {@link GlobalValOperations#get(String, Class)}: repeated reads of
	 * an unchanged value return the same instance, which must not be modified.
	 * @return the value, or {@code null} if the key is absent
	 * @throws GlobalValNotReadyException if this worker has not applied its first snapshot
	 * @throws IllegalArgumentException if the value cannot be converted to the type
	 */
	T get();

	/**
	 * Return the value in this process's replica, or a default if the key is absent.
	 * @param defaultValue the value to return if the key is absent
	 * @return the value, or {@code defaultValue}
	 * @throws GlobalValNotReadyException if this worker has not applied its first snapshot
	 * @throws IllegalArgumentException if the value cannot be converted to the type
	 */
	default T getOrDefault(T defaultValue) {
		T value = get();
		return (value != null) ? value : defaultValue;
	}

	/**
	 * Set the key to a value in every process.
	 * @param value the value, not null
	 * @return a future that completes with the change's revision once it is applied here
	 * @throws IllegalArgumentException if the value is null (use {@link #delete()}), too
	 * large, or cannot be written as JSON
	 * @see GlobalValOperations#set(String, Object)
	 */
	CompletableFuture<Long> set(T value);

	/**
	 * Set the key only if its value at the master equals an expected value, compared as
	 * JSON values.
	 * @param expected the expected value, or {@code null} to expect the key to be absent
	 * @param update the new value, not null
	 * @return a future that completes with {@code true} once the change is applied here,
	 * or {@code false} if the value did not match
	 * @throws IllegalArgumentException if a value is invalid
	 * @see GlobalValOperations#compareAndSet(String, Object, Object)
	 */
	CompletableFuture<Boolean> compareAndSet(T expected, T update);

	/**
	 * Remove the key from every process.
	 * @return a future that completes with {@code true} once the removal is applied here,
	 * or {@code false} if the key was absent at the master
	 */
	CompletableFuture<Boolean> delete();

	/**
	 * Listen to the changes of this key only, from now on, in every process's writes
	 * (this one's included). Changes arrive one at a time, in revision order, on the
	 * node's event thread (never the replication thread: a slow listener delays other
	 * listeners but not replication). A worker is not told of the keys of its first
	 * snapshot; later snapshots report the keys they change. The new value is converted
	 * before the listener is called; a value that cannot be converted, or a listener that
	 * throws, is logged and skipped.
	 * @param listener the listener
	 * @return the registration; close it to stop listening
	 */
	Registration onChange(Consumer<? super Change<T>> listener);

	/**
	 * A change of a key, as given to the listeners of a {@link GlobalValue}.
	 *
	 * @param <T> the type of the values
	 * @param key the key
	 * @param value the new value converted to the type, or {@code null} if the key was
	 * deleted
	 * @param revision the change's revision, the same in every process
	 * @param local whether this process made the change
	 */
	record Change<T>(String key, T value, long revision, boolean local) {

		/**
		 * Return whether the key was deleted.
		 * @return whether deleted
		 */
		public boolean isDeleted() {
			return this.value == null;
		}

	}

	/**
	 * A listener's registration: closing it removes the listener. Closing it again does
	 * nothing.
	 */
	interface Registration extends AutoCloseable {

		/**
		 * Remove the listener; changes already being delivered may still reach it.
		 */
		@Override
		void close();

	}

}
