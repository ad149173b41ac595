package io.globalval.event;

import java.util.Objects;

import org.springframework.context.ApplicationEvent;

import io.globalval.Role;

/**
 * Published when this process's role has been decided, once it is ready to serve reads
 * and before any {@link GlobalValChangedEvent}, and again whenever the role changes.
 */
public class GlobalValRoleEvent extends ApplicationEvent {

	private final String name;

	private final Role role;

	/**
	 * Create a new instance.
	 * @param source the node whose role it is
	 * @param name the application name
	 * @param role the role
	 */
	public GlobalValRoleEvent(Object source, String name, Role role) {
		super(source);
		this.name = Objects.requireNonNull(name, "'name' must not be null");
		this.role = Objects.requireNonNull(role, "'role' must not be null");
	}

	/**
	 * Return the name of the application whose values this process shares.
	 * @return the application name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Return this process's role.
	 * @return the role
	 */
	public Role getRole() {
		return this.role;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[name=" + this.name + ", role=" + this.role + "]";
	}

}
