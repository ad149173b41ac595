package io.globalval.autoconfigure.environment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.autoconfigure.ConfigurationPropertiesRebinderAutoConfiguration;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.config.annotation.RefreshScope;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;

import io.globalval.GlobalValTemplate;
import io.globalval.autoconfigure.GlobalValAutoConfiguration;
import io.globalval.event.GlobalValChangedEvent;
import io.globalval.event.GlobalValPropertyRejectedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for live configuration: {@code globalval.property-source.*}, the
 * {@link GlobalValPropertySource} in the Environment, and the rebinding of
 * {@code @ConfigurationProperties} and {@code @RefreshScope} beans with Spring Cloud.
 */
class GlobalValLivePropertiesTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class))
		.withPropertyValues("globalval.name=live", "globalval.transport=local", "sample.greeting=from-yml",
				"sample.max-items=5")
		.withBean(LastPublished.class);

	private final ApplicationContextRunner enabled = this.contextRunner
		.withPropertyValues("globalval.property-source.enabled=true");

	private final ApplicationContextRunner withSpringCloud = this.enabled
		.withConfiguration(
				AutoConfigurations.of(RefreshAutoConfiguration.class, ConfigurationPropertiesRebinderAutoConfiguration.class))
		.withUserConfiguration(SettingsConfiguration.class);

	@Test
	void offByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(GlobalValLiveProperties.class);
			assertThat(context.getEnvironment().getPropertySources().contains(GlobalValPropertySource.NAME)).isFalse();
			set(context, "config.sample.greeting", "shared");
			assertThat(context.getEnvironment().getProperty("sample.greeting")).isEqualTo("from-yml");
		});
	}

	@Test
	void aSetChangesThePropertyAndADeleteGivesTheOtherSourcesBack() {
		this.enabled.run((context) -> {
			set(context, "config.sample.greeting", "shared");
			assertThat(context.getEnvironment().getProperty("sample.greeting")).isEqualTo("shared");
			context.getBean(GlobalValTemplate.class).delete("config.sample.greeting").join();
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(context.getEnvironment().getProperty("sample.greeting"))
					.isEqualTo("from-yml"));
		});
	}

	@Test
	void keysOutsideThePrefixAreNotProperties() {
		this.enabled.run((context) -> {
			set(context, "sample.greeting", "not-config");
			assertThat(context.getEnvironment().getProperty("sample.greeting")).isEqualTo("from-yml");
			assertThat(context.getBean(GlobalValLiveProperties.class).properties()).isEmpty();
		});
	}

	@Test
	void theKeyPrefixIsConfigurable() {
		this.enabled.withPropertyValues("globalval.property-source.key-prefix=live/").run((context) -> {
			set(context, "live/sample.greeting", "prefixed");
			set(context, "config.sample.max-items", 9);
			assertThat(context.getBean(GlobalValLiveProperties.class).properties())
				.containsExactly(Map.entry("sample.greeting", "prefixed"));
		});
	}

	@Test
	void objectsAndArraysBecomeOnePropertyPerFieldAndElement() {
		this.enabled.run((context) -> {
			set(context, "config.sample", Map.of("greeting", "nested", "hosts", List.of("a", "b")));
			ConfigurableEnvironment environment = context.getEnvironment();
			assertThat(environment.getProperty("sample.greeting")).isEqualTo("nested");
			assertThat(environment.getProperty("sample.hosts[0]")).isEqualTo("a");
			assertThat(environment.getProperty("sample.hosts[1]")).isEqualTo("b");
			set(context, "config.sample", Map.of("hosts", List.of("c")));
			assertThat(environment.getProperty("sample.hosts[0]")).isEqualTo("c");
			assertThat(environment.getProperty("sample.hosts[1]")).isNull();
			assertThat(environment.getProperty("sample.greeting")).isEqualTo("from-yml");
		});
	}

	@Test
	void belowTheCommandLineByDefault() {
		this.enabled.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SimpleCommandLinePropertySource("--sample.greeting=from-command-line")))
			.run((context) -> {
				List<String> names = names(context);
				assertThat(names.indexOf(GlobalValPropertySource.NAME)).isEqualTo(names.indexOf("commandLineArgs") + 1);
				set(context, "config.sample.greeting", "shared");
				set(context, "config.sample.max-items", 7);
				assertThat(context.getEnvironment().getProperty("sample.greeting")).isEqualTo("from-command-line");
				assertThat(context.getEnvironment().getProperty("sample.max-items")).isEqualTo("7");
			});
	}

	@Test
	void firstOrLastWhenAsked() {
		this.enabled.withPropertyValues("globalval.property-source.precedence=first").run((context) -> {
			assertThat(names(context).get(0)).isEqualTo(GlobalValPropertySource.NAME);
		});
		this.enabled.withPropertyValues("globalval.property-source.precedence=last").run((context) -> {
			List<String> names = names(context);
			assertThat(names.get(names.size() - 1)).isEqualTo(GlobalValPropertySource.NAME);
			set(context, "config.sample.greeting", "fallback");
			assertThat(context.getEnvironment().getProperty("sample.greeting")).isEqualTo("from-yml");
			set(context, "config.sample.unset", "fallback");
			assertThat(context.getEnvironment().getProperty("sample.unset")).isEqualTo("fallback");
		});
	}

	@Test
	void theEnvironmentHasTheNewValueBeforeTheChangeEventIsPublished() {
		this.enabled.withUserConfiguration(SeenOnChange.class).run((context) -> {
			set(context, "config.sample.greeting", "seen");
			assertThat(context.getBean(SeenOnChange.class).seen).contains("seen");
		});
	}

	@Test
	void withSpringCloudConfigurationPropertiesRebindAndRefreshScopeRefreshes() {
		this.withSpringCloud.run((context) -> {
			SampleSettings settings = context.getBean(SampleSettings.class);
			assertThat(settings.getGreeting()).isEqualTo("from-yml");
			assertThat(context.getBean(Greeter.class).greeting()).isEqualTo("from-yml");
			set(context, "config.sample.greeting", "rebound");
			set(context, "config.sample.max-items", 12);
			assertThat(settings.getGreeting()).isEqualTo("rebound");
			assertThat(settings.getMaxItems()).isEqualTo(12);
			assertThat(context.getBean(Greeter.class).greeting()).isEqualTo("rebound");
			assertThat(context.getBean(EnvironmentChanges.class).keys).contains("sample.greeting", "sample.max-items");
		});
	}

	@Test
	void aValueNoBeanCanBindIsRefusedAndEveryBeanKeepsItsBinding() {
		this.withSpringCloud.withUserConfiguration(Rejections.class).run((context) -> {
			SampleSettings settings = context.getBean(SampleSettings.class);
			set(context, "config.sample.max-items", 8);
			set(context, "config.sample.max-items", "eight");
			assertThat(context.getEnvironment().getProperty("sample.max-items")).isEqualTo("8");
			assertThat(settings.getMaxItems()).isEqualTo(8);
			List<GlobalValPropertyRejectedEvent> rejected = context.getBean(Rejections.class).events;
			assertThat(rejected).singleElement().satisfies((event) -> {
				assertThat(event.getKey()).isEqualTo("config.sample.max-items");
				assertThat(event.getReason()).contains("SampleSettings", "sample.max-items='eight'", "int");
			});
			assertThat(context.getBean(GlobalValTemplate.class).get("config.sample.max-items")).isEqualTo("eight");
			set(context, "config.sample.max-items", 9);
			assertThat(settings.getMaxItems()).isEqualTo(9);
		});
	}

	@Test
	void aValueOutsideAnyBeanNeedsNoCheck() {
		this.withSpringCloud.withUserConfiguration(Rejections.class).run((context) -> {
			set(context, "config.other.max-items", "eight");
			assertThat(context.getEnvironment().getProperty("other.max-items")).isEqualTo("eight");
			assertThat(context.getBean(Rejections.class).events).isEmpty();
		});
	}

	@Test
	void thePropertySourceLeavesWithTheContext() {
		this.enabled.run((context) -> {
			ConfigurableEnvironment environment = context.getEnvironment();
			context.close();
			assertThat(environment.getPropertySources().contains(GlobalValPropertySource.NAME)).isFalse();
		});
	}

	/**
	 * Set a key and wait until its change event was published: the Environment was
	 * updated before it.
	 */
	private static void set(AssertableApplicationContext context, String key, Object value) {
		long revision = context.getBean(GlobalValTemplate.class).set(key, value).join();
		LastPublished last = context.getBean(LastPublished.class);
		await().atMost(WAIT).until(() -> last.revision >= revision);
	}

	private static List<String> names(AssertableApplicationContext context) {
		List<String> names = new ArrayList<>();
		for (PropertySource<?> source : context.getEnvironment().getPropertySources()) {
			names.add(source.getName());
		}
		return names;
	}

	static class LastPublished implements ApplicationListener<GlobalValChangedEvent> {

		volatile long revision;

		@Override
		public void onApplicationEvent(GlobalValChangedEvent event) {
			this.revision = Math.max(this.revision, event.getRevision());
		}

	}

	static class SeenOnChange implements ApplicationListener<GlobalValChangedEvent> {

		final List<String> seen = new ArrayList<>();

		private final ConfigurableEnvironment environment;

		SeenOnChange(ConfigurableEnvironment environment) {
			this.environment = environment;
		}

		@Override
		public void onApplicationEvent(GlobalValChangedEvent event) {
			if (event.getKey().equals("config.sample.greeting")) {
				this.seen.add(this.environment.getProperty("sample.greeting"));
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(SampleSettings.class)
	static class SettingsConfiguration {

		@Bean
		@RefreshScope
		Greeter greeter(@Value("${sample.greeting}") String greeting) {
			return new Greeter(greeting);
		}

		@Bean
		EnvironmentChanges environmentChanges() {
			return new EnvironmentChanges();
		}

	}

	@ConfigurationProperties("sample")
	static class SampleSettings {

		private String greeting;

		private int maxItems;

		public String getGreeting() {
			return this.greeting;
		}

		public void setGreeting(String greeting) {
			this.greeting = greeting;
		}

		public int getMaxItems() {
			return this.maxItems;
		}

		public void setMaxItems(int maxItems) {
			this.maxItems = maxItems;
		}

	}

	static class Greeter {

		private final String greeting;

		Greeter(String greeting) {
			this.greeting = greeting;
		}

		String greeting() {
			return this.greeting;
		}

	}

	static class EnvironmentChanges implements ApplicationListener<EnvironmentChangeEvent> {

		final List<String> keys = new ArrayList<>();

		@Override
		public void onApplicationEvent(EnvironmentChangeEvent event) {
			this.keys.addAll(event.getKeys());
		}

	}

	static class Rejections implements ApplicationListener<GlobalValPropertyRejectedEvent> {

		final List<GlobalValPropertyRejectedEvent> events = new ArrayList<>();

		@Override
		public void onApplicationEvent(GlobalValPropertyRejectedEvent event) {
			this.events.add(event);
		}

	}

}
