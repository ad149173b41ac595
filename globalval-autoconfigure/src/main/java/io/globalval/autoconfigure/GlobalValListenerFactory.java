package io.globalval.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.EventListenerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;

import io.globalval.core.GlobalValNode;
import io.globalval.event.GlobalValListener;
import tools.jackson.databind.JavaType;

/**
 * Makes the {@link GlobalValListener} methods that Spring's
 * {@code EventListenerMethodProcessor} finds (the annotation is an
 * {@code @EventListener}) into listeners that filter by key. Ordered before Spring's
 * default factory, which would otherwise take them as plain event listeners.
 */
final class GlobalValListenerFactory implements EventListenerFactory, Ordered {

	/** Before {@code DefaultEventListenerFactory}, which is last. */
	static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private final ObjectProvider<GlobalValNode> node;

	/**
	 * Create a factory.
	 * @param node the node, whose mapper resolves the generic parameter types of methods
	 */
	GlobalValListenerFactory(ObjectProvider<GlobalValNode> node) {
		this.node = node;
	}

	@Override
	public boolean supportsMethod(Method method) {
		return AnnotatedElementUtils.hasAnnotation(method, GlobalValListener.class);
	}

	@Override
	public ApplicationListener<?> createApplicationListener(String beanName, Class<?> type, Method method) {
		GlobalValListener listener = AnnotatedElementUtils.findMergedAnnotation(method, GlobalValListener.class);
		GlobalValKeyPatterns keys = GlobalValKeyPatterns.of((listener != null) ? listener.keys() : new String[0],
				method.toGenericString());
		return new GlobalValListenerMethodAdapter(beanName, type, method, keys, this::javaType);
	}

	private JavaType javaType(Type type) {
		// the node converts values with its own mapper: resolve the type with it too
		return this.node.getObject().replica().codec().mapper().constructType(type);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
