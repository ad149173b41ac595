package io.globalval;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import tools.jackson.core.type.TypeReference;

/**
 * Global values shared by every process of one application: a value set in any process
 * becomes visible in all of them.
 * <p>
 * <b>Reads are local.</b> {@link #get(String)}, {@link #get(String, Class)},
 * {@link #entries()}, {@link #revision()} and the handles of {@link #value(String, Class)}
 * read this process's replica: they never do
 * I/O, never block and never take a lock. A replica may lag behind the master by the
 * changes still in flight; use {@link #awaitRevision(long)} to wait for a known one.
 * <p>
 * <b>Writes are sequenced.</b> Every write goes to the master, which gives each change
 * the next revision number; every process applies changes strictly in revision order,
 * so all replicas pass through the same states and converge to the same map. A write's
 * future completes once the change has been applied in <em>this</em> process
 * (read-your-writes): after {@code set(k, v).join()}, {@code get(k)} returns {@code v}
 * or a later value. {@link #compareAndSet} and {@link #increment} are atomic at the
 * master: of racing compare-and-sets exactly one wins, and no increment is lost.
 * <p>
 * <b>Futures</b> complete on a replication thread: dependent actions added with the
 * non-async methods of {@link CompletableFuture} run there and must not block; use the
 * {@code ...Async} variants for slow work. A write that gets no answer within
 * {@code globalval.write-timeout} fails with {@link GlobalValTimeoutException}; no write
 * is dropped silently.
 * <p>
 * <b>Values</b> are anything Jackson can write as JSON; {@link #get(String)} returns them
 * as plain JSON types ({@code String}, {@code Number}, {@code Boolean}, unmodifiable
 * {@code Map} and {@code List}). Implementations are thread-safe.
 *
 * @see GlobalValTemplate
 */
public interface GlobalValOperations {

	/**
	 * Return the value of a key in this process's replica.
	 * @param key the key
	 * @return the value as plain JSON types, or {@code null} if the key is absent
	 * @throws GlobalValNotReadyException if this worker has not applied its first snapshot
	 */
	Object get(String key);

	/**
	 * Return the value of a key converted to a type with Jackson. The conversion is
	 * cached: repeated reads of an unchanged value with the same type return the same
	 * instance without converting again, so the result must not be modified.
	 * @param <T> the type
	 * @param key the key
	 * @param type the type to convert to
	 * @return the converted value, or {@code null} if the key is absent
	 * @throws GlobalValNotReadyException if this worker has not applied its first snapshot
	 * @throws IllegalArgumentException if the value cannot be converted to the type
	 */
	<T> T get(String key, Class<T> type);

	/**
	 * Return a handle on one key whose values are converted to a class: its reads,
	 * writes and listeners need neither the key nor the type again. Creating a handle
	 * costs nothing at the master; it can be kept in a field for the life of the
	 * application.
	 * @param <T> the type
	 * @param key the key, not empty, at most {@code globalval.max-key-length} characters
	 * @param type the class to convert values to, such as {@code Boolean.class}
	 * @return the handle
	 * @throws IllegalArgumentException if the key is invalid
	 * @throws NullPointerException if the type is null
	 */
	<T> GlobalValue<T> value(String key, Class<T> type);

	/**
	 * Return a handle on one key whose values are converted to a generic type, such as
	 * {@code new TypeReference<List<Flag>>() {}}. The type is resolved once, when the
	 * handle is created; reads are then as cheap as with a class.
	 * @param <T> the type
	 * @param key the key, not empty, at most {@code globalval.max-key-length} characters
	 * @param type the type to convert values to
	 * @return the handle
	 * @throws IllegalArgumentException if the key is invalid
	 * @throws NullPointerException if the type is null
	 * @see #value(String, Class)
	 */
	<T> GlobalValue<T> value(String key, TypeReference<T> type);

	/**
	 * Return all entries of this process's replica.
	 * @return an immutable copy of the map, as plain JSON types
	 * @throws GlobalValNotReadyException if this worker has not applied its first snapshot
	 */
	Map<String, Object> entries();

	/**
	 * Return the last revision applied in this process.
	 * @return the revision, 0 before the first change
	 */
	long revision();

	/**
	 * Set a key to a value in every process.
	 * @param key the key, not empty, at most {@code globalval.max-key-length} characters
	 * @param value the value, not null, at most {@code globalval.max-value-size} as JSON
	 * @return a future that completes with the change's revision once it is applied here
	 * @throws IllegalArgumentException if the key or value is invalid (null value: use
	 * {@link #delete(String)}), too large, or cannot be written as JSON
	 */
	CompletableFuture<Long> set(String key, Object value);

	/**
	 * Remove a key from every process.
	 * @param key the key
	 * @return a future that completes with {@code true} once the removal is applied here,
	 * or {@code false} if the key was absent at the master
	 * @throws IllegalArgumentException if the key is invalid
	 */
	CompletableFuture<Boolean> delete(String key);

	/**
	 * Set a key only if its value at the master equals an expected value, compared as
	 * JSON values. Of racing compare-and-sets on one key and value, exactly one wins.
	 * @param key the key
	 * @param expected the expected value, or {@code null} to expect the key to be absent
	 * @param update the new value, not null
	 * @return a future that completes with {@code true} once the change is applied here,
	 * or {@code false} if the value did not match
	 * @throws IllegalArgumentException if the key or a value is invalid
	 */
	CompletableFuture<Boolean> compareAndSet(String key, Object expected, Object update);

	/**
	 * Add to an integer value at the master, atomically; an absent key counts as 0.
	 * @param key the key
	 * @param delta the amount to add, may be negative
	 * @return a future that completes with the new value once it is applied here; it
	 * fails with {@link GlobalValRejectedException} if the value is not an integer or the
	 * result would overflow a {@code long}
	 * @throws IllegalArgumentException if the key is invalid
	 */
	CompletableFuture<Long> increment(String key, long delta);

	/**
	 * Make the master re-send its whole state to every worker, which replace theirs.
	 * @return a future that completes when every connected worker has applied it
	 */
	CompletableFuture<Void> broadcast();

	/**
	 * Wait until this process has applied a revision, for example one returned by a
	 * {@link #set} in another process.
	 * @param revision the revision
	 * @return a future that completes with this process's revision once it is at least
	 * {@code revision}; it is already complete if that is the case now
	 */
	CompletableFuture<Long> awaitRevision(long revision);

	/**
	 * Return the role of this process.
	 * @return {@link Role#MASTER} or {@link Role#WORKER} on the uds transport,
	 * {@link Role#PEER} on Redis
	 */
	Role role();

	/**
	 * Return whether this process has a complete replica: always for the master; for a
	 * worker or peer, once it has applied its first snapshot.
	 * @return whether reads may be served
	 */
	boolean isReady();

}
