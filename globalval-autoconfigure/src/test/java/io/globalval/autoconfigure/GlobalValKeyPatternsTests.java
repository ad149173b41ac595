package io.globalval.autoconfigure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link GlobalValKeyPatterns}.
 */
class GlobalValKeyPatternsTests {

	private static GlobalValKeyPatterns patterns(String... patterns) {
		return GlobalValKeyPatterns.of(patterns, "Flags.on()");
	}

	@Test
	void starMatchesWithinOneSegment() {
		GlobalValKeyPatterns flags = patterns("flags.*");
		assertThat(flags.matches("flags.dark")).isTrue();
		assertThat(flags.matches("flags")).isFalse();
		assertThat(flags.matches("flags.ui.dark")).isFalse();
		assertThat(flags.matches("flagship.dark")).isFalse();
	}

	@Test
	void doubleStarMatchesAnyNumberOfSegmentsNoneIncluded() {
		GlobalValKeyPatterns limits = patterns("limits.**");
		assertThat(limits.matches("limits")).isTrue();
		assertThat(limits.matches("limits.orders")).isTrue();
		assertThat(limits.matches("limits.orders.max")).isTrue();
		assertThat(limits.matches("limitsx")).isFalse();
	}

	@Test
	void questionMarkAndStarMatchWithinASegment() {
		GlobalValKeyPatterns patterns = patterns("node?.lag", "cache.*-size");
		assertThat(patterns.matches("node1.lag")).isTrue();
		assertThat(patterns.matches("node12.lag")).isFalse();
		assertThat(patterns.matches("cache.orders-size")).isTrue();
		assertThat(patterns.matches("cache.orders-ttl")).isFalse();
	}

	@Test
	void aPatternWithoutWildcardsMatchesOnlyThatKey() {
		GlobalValKeyPatterns maintenance = patterns("maintenance", "a.b");
		assertThat(maintenance.matches("maintenance")).isTrue();
		assertThat(maintenance.matches("maintenance.on")).isFalse();
		assertThat(maintenance.matches("Maintenance")).isFalse();
		assertThat(maintenance.matches("a..b")).isFalse();
	}

	@Test
	void aKeyMatchingAnyOfSeveralPatternsMatches() {
		GlobalValKeyPatterns patterns = patterns("flags.*", "limits.**", "maintenance");
		assertThat(patterns.matches("flags.dark")).isTrue();
		assertThat(patterns.matches("limits.orders.max")).isTrue();
		assertThat(patterns.matches("maintenance")).isTrue();
		assertThat(patterns.matches("greeting")).isFalse();
		assertThat(patterns).hasToString("flags.*, limits.**, maintenance");
	}

	@Test
	void noPatternIsRejectedSayingWhatToDo() {
		assertThatIllegalStateException().isThrownBy(GlobalValKeyPatternsTests::patterns)
			.withMessage("@GlobalValListener on Flags.on() has no key pattern; name the keys to listen to, "
					+ "such as @GlobalValListener(\"flags.*\")");
	}

	@Test
	void aBlankPatternIsRejected() {
		assertThatIllegalStateException().isThrownBy(() -> patterns("flags.*", " "))
			.withMessage("@GlobalValListener on Flags.on() has a blank key pattern in [flags.*,  ]; "
					+ "remove it or name the keys to listen to");
	}

}
