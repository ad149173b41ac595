package io.globalval.autoconfigure;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GlobalValRedisRuntimeHints}: every Lua script of the Redis transport is
 * a resource of the native image, registered by the AOT processing of an application
 * whose transport is {@code redis} at build time, and only of such an application.
 */
class GlobalValRedisRuntimeHintsTests {

	@Test
	void everyLuaScriptOfTheRedisTransportIsRegistered() throws Exception {
		RuntimeHints hints = new RuntimeHints();
		new GlobalValRedisRuntimeHints().registerHints(hints, getClass().getClassLoader());
		String[] scripts = scripts();
		assertThat(scripts).contains("write.lua", "snapshot.lua", "status.lua");
		for (String script : scripts) {
			assertThat(RuntimeHintsPredicates.resource().forResource("io/globalval/transport/redis/" + script))
				.as(script)
				.accepts(hints);
		}
	}

	@Test
	void aheadOfTimeProcessingOnTheRedisTransportRegistersTheScripts() {
		RuntimeHints hints = processAheadOfTime("globalval.transport=redis");
		assertThat(RuntimeHintsPredicates.resource().forResource("io/globalval/transport/redis/write.lua"))
			.accepts(hints);
	}

	@Test
	void aheadOfTimeProcessingOnTheDefaultTransportLeavesTheScriptsOut() {
		// the transport's condition is evaluated at build time: a native image built for
		// uds cannot switch to redis at run time
		RuntimeHints hints = processAheadOfTime("globalval.transport=uds");
		assertThat(RuntimeHintsPredicates.resource().forResource("io/globalval/transport/redis/write.lua"))
			.rejects(hints);
	}

	private static RuntimeHints processAheadOfTime(String transport) {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			TestPropertyValues.of(transport, "globalval.name=aot").applyTo(context);
			context.register(GlobalValAutoConfiguration.class);
			DefaultGenerationContext generationContext = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get("io.globalval.aot", "AotTest")), new InMemoryGeneratedFiles());
			new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
			return generationContext.getRuntimeHints();
		}
	}

	private static String[] scripts() throws Exception {
		Resource[] resources = new PathMatchingResourcePatternResolver()
			.getResources("classpath*:" + GlobalValRedisRuntimeHints.SCRIPTS);
		return Arrays.stream(resources).map(Resource::getFilename).toArray(String[]::new);
	}

}
