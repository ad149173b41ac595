package io.globalval.autoconfigure.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

import io.globalval.autoconfigure.GlobalValProperties;

/**
 * Annotation for a test class whose application context uses globalval: the node runs on
 * the {@code local} transport, alone in the test's JVM, so a test never joins a group of
 * the same name that happens to run on the machine (a developer's running application,
 * another build), never starts cluster workers, and creates no socket, lock file or
 * directory. The template, the events ({@code @EventListener} with SpEL conditions) and
 * the values behave as in production; the test's process is master of a group of one.
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;AutoConfigureGlobalVal
 * class OrdersApplicationTests {
 *
 *     &#64;Autowired
 *     GlobalValTemplate globalVals;
 *
 * }
 * </pre>
 * It works on slices too ({@code @WebMvcTest}, ...): it imports the globalval
 * auto-configuration, which slices leave out. The attributes are mapped to properties
 * ({@code globalval.transport}, {@code globalval.cluster.workers}) that take precedence
 * over the application's configuration and the test's {@code properties}; to test on
 * another transport, say so here: {@code @AutoConfigureGlobalVal(transport = Transport.UDS)}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@PropertyMapping("globalval")
public @interface AutoConfigureGlobalVal {

	/**
	 * The transport of the test's node, mapped to {@code globalval.transport}.
	 * @return the transport; {@link GlobalValProperties.Transport#LOCAL local} by default
	 */
	GlobalValProperties.Transport transport() default GlobalValProperties.Transport.LOCAL;

	/**
	 * How many cluster workers the test's node starts, mapped to
	 * {@code globalval.cluster.workers}.
	 * @return the number of workers; none by default (the {@code local} transport has
	 * no workers)
	 */
	@PropertyMapping("cluster.workers")
	int clusterWorkers() default 0;

}
