package io.globalval.autoconfigure.observation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.globalval.GlobalValConnectionException;
import io.globalval.GlobalValRejectedException;
import io.globalval.GlobalValTemplate;
import io.globalval.GlobalValTimeoutException;
import io.globalval.Role;
import io.globalval.autoconfigure.GlobalValAutoConfiguration;
import io.globalval.testsupport.NodeProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link GlobalValObservationAutoConfiguration} and
 * {@link ObservedGlobalValTemplate}.
 */
class GlobalValObservationAutoConfigurationTests {

	@TempDir
	Path directory;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class,
					GlobalValObservationAutoConfiguration.class))
			.withPropertyValues("globalval.name=observed", "globalval.uds.directory=" + this.directory);
	}

	@Test
	void everyWriteIsObservedWithItsOperationOutcomeAndTransport() {
		List<String> writes = new CopyOnWriteArrayList<>();
		TestObservationRegistry registry = registry(writes);
		contextRunner().withBean(ObservationRegistry.class, () -> registry).run((context) -> {
			GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
			assertThat(template).isInstanceOf(ObservedGlobalValTemplate.class);
			template.set("a", 1).join();
			template.increment("a", 2).join();
			assertThat(template.compareAndSet("a", 3, 4).join()).isTrue();
			template.value("b", String.class).set("x").join();
			assertThat(template.delete("a").join()).isTrue();
			template.broadcast().join();
			assertThat(template.get("b", String.class)).isEqualTo("x");
			assertThat(writes).containsExactly("set success uds", "increment success uds",
					"compareAndSet success uds", "set success uds", "delete success uds", "broadcast success uds");
			TestObservationRegistryAssert.assertThat(registry)
				.hasNumberOfObservationsWithNameEqualTo(ObservedGlobalValTemplate.NAME, 6);
		});
	}

	@Test
	void aRejectedWriteIsObservedAsAFailure() {
		List<String> writes = new CopyOnWriteArrayList<>();
		TestObservationRegistry registry = registry(writes);
		contextRunner().withBean(ObservationRegistry.class, () -> registry)
			.withPropertyValues("globalval.transport=local", "globalval.max-key-length=4")
			.run((context) -> {
				GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
				assertThatIllegalArgumentException().isThrownBy(() -> template.set("too long", 1));
				assertThat(writes).containsExactly("set failure local");
				TestObservationRegistryAssert.assertThat(registry)
					.hasObservationWithNameEqualTo(ObservedGlobalValTemplate.NAME)
					.that()
					.hasError()
					.hasBeenStopped();
			});
	}

	@Test
	void writesThatMayStillBeAppliedHaveAnUnknownOutcome() {
		assertThat(ObservedGlobalValTemplate.outcome(null)).isEqualTo("success");
		assertThat(ObservedGlobalValTemplate.outcome(new CompletionException(new GlobalValTimeoutException("late"))))
			.isEqualTo("unknown");
		assertThat(ObservedGlobalValTemplate.outcome(new GlobalValConnectionException("lost"))).isEqualTo("unknown");
		assertThat(ObservedGlobalValTemplate.outcome(new CompletionException(new GlobalValRejectedException("no"))))
			.isEqualTo("failure");
	}

	@Test
	void aWriteThatTimesOutWaitingForAPausedMasterIsObservedAsUnknown() throws Exception {
		List<String> writes = new CopyOnWriteArrayList<>();
		TestObservationRegistry registry = registry(writes);
		NodeProcess master = NodeProcess.start(this.directory, "MASTER", "observed",
				this.directory.resolve("master.log"));
		try {
			contextRunner().withBean(ObservationRegistry.class, () -> registry)
				.withPropertyValues("globalval.role=worker", "globalval.write-timeout=300ms")
				.run((context) -> {
					GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
					assertThat(template.role()).isEqualTo(Role.WORKER);
					template.set("before", 1).join();
					// the master stops answering, its socket stays open: the write is sent and waits
					master.pause();
					assertThatExceptionOfType(CompletionException.class)
						.isThrownBy(() -> template.set("during", 2).join())
						.havingCause()
						.isInstanceOf(GlobalValTimeoutException.class)
						.withMessageContaining("within globalval.write-timeout (PT0.3S); it may still be applied");
					// recorded when the observations stopped
					assertThat(writes).containsExactly("set success uds", "set unknown uds");
					TestObservationRegistryAssert.assertThat(registry)
						.hasAnObservation((observation) -> observation.hasNameEqualTo(ObservedGlobalValTemplate.NAME)
							.hasLowCardinalityKeyValue("operation", "set")
							.hasLowCardinalityKeyValue("outcome", "unknown")
							.hasError());
				});
		}
		finally {
			master.resume();
			master.close();
		}
	}

	@Test
	void writesAreNotObservedWithoutAnObservationRegistry() {
		contextRunner().run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(GlobalValObservationAutoConfiguration.class)
			.getBean(GlobalValTemplate.class)
			.isNotInstanceOf(ObservedGlobalValTemplate.class));
	}

	@Test
	void writesAreNotObservedWithoutMicrometerObservation() {
		contextRunner().withClassLoader(new FilteredClassLoader("io.micrometer.observation"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(GlobalValObservationAutoConfiguration.class)
				.hasSingleBean(GlobalValTemplate.class));
	}


	private static TestObservationRegistry registry(List<String> writes) {
		TestObservationRegistry registry = TestObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return ObservedGlobalValTemplate.NAME.equals(context.getName());
			}

			@Override
			public void onStop(Observation.Context context) {
				writes.add(tags(context));
			}

		});
		return registry;
	}

	private static String tags(Observation.Context context) {
		return context.getLowCardinalityKeyValue("operation").getValue() + " "
				+ context.getLowCardinalityKeyValue("outcome").getValue() + " "
				+ context.getLowCardinalityKeyValue("transport").getValue();
	}

}
