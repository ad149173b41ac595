package io.globalval.event;

import java.util.Objects;

import org.springframework.context.ApplicationEvent;

import io.globalval.core.ChangeEvent;
import tools.jackson.databind.JavaType;

/**
 * Published in every process for each change it applies to its replica, its own writes
 * included. Events of one process arrive in revision order, one at a time, on the node's
 * event thread (never the thread that reads the socket, so a slow listener delays other
 * listeners but not replication). The event's properties can be used in conditions:
 * <pre class="code">
 * &#64;EventListener(condition = "#event.key == 'greeting'")
 * void onGreeting(GlobalValChangedEvent event) {
 *     logger.info("Greeting is now {}", event.getValue());
 * }
 * </pre>
 * A change that a worker learns from a snapshot (after a resync) has the snapshot's
 * revision and origin {@code -1}; several keys may then share one revision.
 */
public class GlobalValChangedEvent extends ApplicationEvent {

	private final transient ChangeEvent change;

	/**
	 * Create a new instance.
	 * @param source the node that applied the change
	 * @param change the change
	 */
	public GlobalValChangedEvent(Object source, ChangeEvent change) {
		super(source);
		this.change = Objects.requireNonNull(change, "'change' must not be null");
	}

	/**
	 * Return the key that changed.
	 * @return the key
	 */
	public String getKey() {
		return this.change.key();
	}

	/**
	 * Return the new value as plain JSON types ({@code String}, {@code Number},
	 * {@code Boolean}, unmodifiable {@code Map} and {@code List}).
	 * @return the value, or {@code null} if the key was deleted
	 */
	public Object getValue() {
		return this.change.value();
	}

	/**
	 * Return the new value converted to a type with Jackson. The result is shared with
	 * the replica and must not be modified.
	 * @param <T> the type
	 * @param type the type to convert to
	 * @return the value, or {@code null} if the key was deleted
	 * @throws IllegalArgumentException if the value cannot be converted to the type
	 */
	public <T> T getValue(Class<T> type) {
		return this.change.value(type);
	}

	/**
	 * Return the new value converted to a generic type with Jackson, such as
	 * {@code mapper.constructType(new TypeReference<List<Flag>>() {})} with the node's
	 * mapper. The result is shared with the replica and must not be modified.
	 * @param <T> the type
	 * @param type the type to convert to
	 * @return the value, or {@code null} if the key was deleted
	 * @throws IllegalArgumentException if the value cannot be converted to the type
	 */
	public <T> T getValue(JavaType type) {
		return this.change.value(type);
	}

	/**
	 * Return the value the key had before this change.
	 * @return the previous value as plain JSON types, or {@code null} if the key was absent
	 */
	public Object getPreviousValue() {
		return this.change.previousValue();
	}

	/**
	 * Return the revision of the change: the same in every process.
	 * @return the revision
	 */
	public long getRevision() {
		return this.change.revision();
	}

	/**
	 * Return the node id of the process that made the change: 0 for the master, or
	 * {@code -1} when a worker learnt the change from a snapshot.
	 * @return the origin node id
	 */
	public long getOrigin() {
		return this.change.origin();
	}

	/**
	 * Return {@link System#nanoTime()} at the origin when the write was made, comparable
	 * with this process's clock on the same host.
	 * @return the origin time, or 0 when unknown
	 */
	public long getOriginNanos() {
		return this.change.originNanos();
	}

	/**
	 * Return whether the key was deleted.
	 * @return whether deleted
	 */
	public boolean isDeleted() {
		return this.change.isDeleted();
	}

	/**
	 * Return whether this process made the change.
	 * @return whether local
	 */
	public boolean isLocal() {
		return this.change.isLocal();
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[key=" + getKey() + ", revision=" + getRevision() + ", origin="
				+ getOrigin() + (isDeleted() ? ", deleted" : "") + "]";
	}

}
