package io.globalval.autoconfigure;

import java.util.Arrays;
import java.util.List;

import org.springframework.util.AntPathMatcher;
import org.springframework.util.StringUtils;

/**
 * The key patterns of a {@link io.globalval.event.GlobalValListener}: Ant-style, with
 * {@code .} as the separator ({@code flags.*}, {@code limits.**}, {@code flag?}); a
 * pattern without wildcards matches only that key. Thread-safe.
 */
final class GlobalValKeyPatterns {

	private final AntPathMatcher matcher = new AntPathMatcher(".");

	private final List<String> all;

	private final List<String> keys;

	private final List<String> wildcards;

	private GlobalValKeyPatterns(List<String> patterns) {
		this.all = patterns;
		// literal keys are compared as strings: faster, and free of the matcher's rules for empty segments
		this.keys = patterns.stream().filter((pattern) -> !this.matcher.isPattern(pattern)).toList();
		this.wildcards = patterns.stream().filter(this.matcher::isPattern).toList();
	}

	/**
	 * Parse patterns.
	 * @param patterns the patterns
	 * @param owner what the patterns belong to, for messages
	 * @return the patterns
	 * @throws IllegalStateException if there are none or one is blank
	 */
	static GlobalValKeyPatterns of(String[] patterns, Object owner) {
		if (patterns.length == 0) {
			throw new IllegalStateException("@GlobalValListener on " + owner
					+ " has no key pattern; name the keys to listen to, such as @GlobalValListener(\"flags.*\")");
		}
		for (String pattern : patterns) {
			if (!StringUtils.hasText(pattern)) {
				throw new IllegalStateException("@GlobalValListener on " + owner + " has a blank key pattern in "
						+ Arrays.toString(patterns) + "; remove it or name the keys to listen to");
			}
		}
		return new GlobalValKeyPatterns(List.of(patterns));
	}

	/**
	 * Return whether a key matches any of the patterns.
	 * @param key the key
	 * @return whether it matches
	 */
	boolean matches(String key) {
		if (this.keys.contains(key)) {
			return true;
		}
		for (String pattern : this.wildcards) {
			if (this.matcher.match(pattern, key)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String toString() {
		return String.join(", ", this.all);
	}

}
