package io.globalval.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.function.Function;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ApplicationListenerMethodAdapter;

import io.globalval.event.GlobalValChangedEvent;
import io.globalval.event.GlobalValListener;
import tools.jackson.databind.JavaType;

/**
 * Calls a {@link GlobalValListener} method for the changes of the keys that match its
 * patterns, with the argument it asks for: nothing, the event, or the new value
 * converted. Everything else ({@code condition}, {@code @Order}, the target bean behind
 * a proxy, results published as events) is {@link ApplicationListenerMethodAdapter}'s.
 */
final class GlobalValListenerMethodAdapter extends ApplicationListenerMethodAdapter {

	private static final Object[] NO_ARGUMENTS = {};

	private final GlobalValKeyPatterns keys;

	/** Turns a matching event into the method's arguments. */
	private final Function<GlobalValChangedEvent, Object[]> arguments;

	/**
	 * Create an adapter.
	 * @param beanName the name of the bean whose method it calls
	 * @param targetClass the bean's class
	 * @param method the method, annotated with {@link GlobalValListener}
	 * @param keys the method's key patterns
	 * @param types resolves the type of a generic parameter with the node's mapper
	 */
	GlobalValListenerMethodAdapter(String beanName, Class<?> targetClass, Method method, GlobalValKeyPatterns keys,
			Function<Type, JavaType> types) {
		super(beanName, targetClass, method);
		this.keys = keys;
		this.arguments = arguments(method, types);
	}

	private static Function<GlobalValChangedEvent, Object[]> arguments(Method method, Function<Type, JavaType> types) {
		if (method.getParameterCount() == 0) {
			return (event) -> NO_ARGUMENTS;
		}
		Class<?> parameter = method.getParameterTypes()[0];
		if (parameter.isAssignableFrom(GlobalValChangedEvent.class)) {
			return (event) -> new Object[] { event };
		}
		if (parameter.isPrimitive()) {
			throw new IllegalStateException("@GlobalValListener method " + method.toGenericString() + " takes a "
					+ parameter + ", which cannot be null when a key is deleted; take its wrapper type instead");
		}
		Type generic = method.getGenericParameterTypes()[0];
		if (generic instanceof Class<?>) {
			// by class, so that the conversion is shared with the template's get(key, Type.class)
			return (event) -> new Object[] { event.getValue(parameter) };
		}
		JavaType type = types.apply(generic);
		return (event) -> new Object[] { event.getValue(type) };
	}

	/**
	 * Return the arguments for a change of a matching key, or {@code null} (the method is
	 * not called) for any other event.
	 */
	@Override
	protected Object[] resolveArguments(ApplicationEvent event) {
		if (event instanceof GlobalValChangedEvent change && this.keys.matches(change.getKey())) {
			return this.arguments.apply(change);
		}
		return null;
	}

	@Override
	public String toString() {
		return super.toString() + " for keys " + this.keys;
	}

}
