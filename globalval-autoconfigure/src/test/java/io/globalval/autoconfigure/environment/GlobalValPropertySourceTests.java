package io.globalval.autoconfigure.environment;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GlobalValPropertySource}: each key's properties, and what happens when
 * two keys give the same property.
 */
class GlobalValPropertySourceTests {

	private final GlobalValPropertySource source = new GlobalValPropertySource();

	@Test
	void aKeysPropertiesAreReplacedAndRemovedWithIt() {
		this.source.replace("config.a", Map.of("a.x", 1, "a.y", 2), Map.of());
		this.source.replace("config.b", Map.of("b", "v"), Map.of());
		assertThat(this.source.propertiesOf("config.a")).containsOnly(Map.entry("a.x", 1), Map.entry("a.y", 2));
		assertThat(this.source.keys()).containsExactlyInAnyOrder("config.a", "config.b");
		String[] names = this.source.getPropertyNames();
		this.source.replace("config.a", Map.of("a.x", 3, "a.y", 4), this.source.propertiesOf("config.a"));
		assertThat(this.source.getPropertyNames()).containsExactlyInAnyOrder(names);
		assertThat(this.source.getProperty("a.x")).isEqualTo(3);
		this.source.replace("config.a", Map.of("a.x", 5), this.source.propertiesOf("config.a"));
		assertThat(this.source.getPropertyNames()).containsExactlyInAnyOrder("a.x", "b");
		this.source.replace("config.a", Map.of(), this.source.propertiesOf("config.a"));
		assertThat(this.source.getPropertyNames()).containsExactly("b");
		assertThat(this.source.propertiesOf("config.a")).isEmpty();
		assertThat(this.source.keys()).containsExactly("config.b");
	}

	@Test
	void aPropertyTakenOverByAnotherKeyStaysWhenTheFirstKeyGoes() {
		// config.a = {"b": 1} and config.a.b = 2 both give property a.b: the last one installed owns it
		this.source.replace("config.a", Map.of("a.b", 1), Map.of());
		this.source.replace("config.a.b", Map.of("a.b", 2), Map.of());
		assertThat(this.source.propertiesOf("config.a")).isEmpty();
		assertThat(this.source.propertiesOf("config.a.b")).containsOnly(Map.entry("a.b", 2));
		this.source.replace("config.a", Map.of(), Map.of("a.b", 1));
		assertThat(this.source.getProperty("a.b")).isEqualTo(2);
		assertThat(this.source.containsProperty("a.b")).isTrue();
	}

}
