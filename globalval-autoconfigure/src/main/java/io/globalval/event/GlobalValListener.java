package io.globalval.event;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method as a listener of the {@link GlobalValChangedEvent}s of the keys that
 * match any of its patterns. Patterns are Ant-style with {@code .} as the separator, as
 * in Spring's messaging destinations: {@code *} matches within one segment,
 * {@code **} any number of segments (none included), {@code ?} one character; a pattern
 * without wildcards is a key.
 * <pre class="code">
 * &#64;GlobalValListener("flags.*")            // flags.dark, flags.beta; not flags, not flags.ui.dark
 * void onFlag(GlobalValChangedEvent event) { ... }
 *
 * &#64;GlobalValListener({ "limits.**", "maintenance" })
 * void onLimitsOrMaintenance(GlobalValChangedEvent event) { ... }
 *
 * &#64;GlobalValListener("flags.dark")
 * void onDarkMode(Flag flag) { ... }           // the new value, converted; null once deleted
 * </pre>
 * The method takes no parameter, the event (or a supertype of it), or the new value:
 * any other parameter type, generic ones included ({@code List<Flag>}), gets the value
 * converted with Jackson, or {@code null} when the key was deleted. A value that cannot
 * be converted fails the event like a listener that throws. Events arrive as they do
 * for {@code @EventListener} methods: in revision order, on the node's event thread.
 * <p>
 * Meta-annotated with {@link EventListener}, so {@code condition}, {@code id} and
 * {@code @Order} work as they do there; a condition narrows what the patterns match. The
 * globalval auto-configuration registers the factory that reads the patterns. The same
 * filter without this annotation is
 * {@code @EventListener(condition = "#event.key matches 'flags\\..*'")}.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@EventListener(GlobalValChangedEvent.class)
public @interface GlobalValListener {

	/**
	 * Alias for {@link #keys()}.
	 * @return the key patterns
	 */
	@AliasFor("keys")
	String[] value() default {};

	/**
	 * The patterns of the keys to listen to; at least one.
	 * @return the key patterns
	 */
	@AliasFor("value")
	String[] keys() default {};

	/**
	 * A SpEL expression that must also be true for the method to be called, as for
	 * {@link EventListener#condition()}: {@code #event} is the
	 * {@link GlobalValChangedEvent}, {@code #p0} the method's argument.
	 * @return the condition, or empty for none
	 */
	@AliasFor(annotation = EventListener.class, attribute = "condition")
	String condition() default "";

	/**
	 * The id of the listener, as for {@link EventListener#id()}.
	 * @return the id, or empty for the method's name
	 */
	@AliasFor(annotation = EventListener.class, attribute = "id")
	String id() default "";

}
