package io.globalval.event;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a global value under {@code globalval.property-source.key-prefix} was
 * not applied to the Environment because a {@code @ConfigurationProperties} bean cannot
 * bind it (a number that is not one, an unknown enum constant, ...). The properties keep
 * their previous values, so every bean keeps its binding; the value itself stays in the
 * global values (read it with the template) until a good one replaces it. Also logged at
 * ERROR.
 */
public class GlobalValPropertyRejectedEvent extends ApplicationEvent {

	private final String key;

	private final long revision;

	private final String reason;

	/**
	 * Create a new instance.
	 * @param source the node that applied the change
	 * @param key the global value's key
	 * @param revision the revision of the change
	 * @param reason why it cannot be bound: the bean, the property and the binder's message
	 */
	public GlobalValPropertyRejectedEvent(Object source, String key, long revision, String reason) {
		super(source);
		this.key = key;
		this.revision = revision;
		this.reason = reason;
	}

	/**
	 * Return the key whose value was refused.
	 * @return the key
	 */
	public String getKey() {
		return this.key;
	}

	/**
	 * Return the revision of the refused change.
	 * @return the revision
	 */
	public long getRevision() {
		return this.revision;
	}

	/**
	 * Return why the value cannot be bound.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[key=" + this.key + ", revision=" + this.revision + ", reason="
				+ this.reason + "]";
	}

}
