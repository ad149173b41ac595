package io.globalval.autoconfigure;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.javapoet.ClassName;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link GlobalValRedisRuntimeHints}: every Lua script of the Redis transport is
 * a resource of the native image, registered by the AOT processing of an application
 * whose transport is {@code redis} at build time, and only of such an application; one
 * started on another transport than it was built for fails, saying so.
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

	@Test
	void aNodeConfigurationBuiltForAnotherTransportFailsNamingTheBuildTimeTransport() {
		// what an AOT-processed application runs when started with another transport
		GlobalValProperties properties = new GlobalValProperties();
		properties.setTransport(GlobalValProperties.Transport.REDIS);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> new GlobalValNodeConfigurations.UdsNodeConfiguration().globalValNode(properties,
					new MockEnvironment(), null, null))
			.withMessageContaining("globalval.transport")
			.withMessageContaining("processed ahead of time (AOT, native image) with globalval.transport=uds or tcp");
		properties.setTransport(GlobalValProperties.Transport.UDS);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> new GlobalValNodeConfigurations.LocalNodeConfiguration().globalValNode(properties,
					new MockEnvironment(), null, null))
			.withMessageContaining("with globalval.transport=local");
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
