package io.globalval.cluster;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Picks the JVM options of this JVM that a worker is started with. An option is left out
 * when it starts with one of the filter's patterns, in which {@code *} stands for any
 * characters: {@code -Xlog:*file=} leaves out {@code -Xlog:gc*:file=gc.log}. Immutable.
 */
public final class JvmOptionFilter {

	/**
	 * The options that workers are not given by default, because two JVMs cannot share
	 * what they open: a debugger agent and a JMX agent bind their port, GC logs and Flight
	 * Recorder dumps write one file.
	 */
	public static final List<String> DEFAULT_EXCLUDED = List.of("-agentlib:jdwp", "-Xrunjdwp",
			"-Dcom.sun.management.jmxremote.port=", "-Dcom.sun.management.jmxremote.rmi.port=", "-Xloggc:",
			"-Xlog:*file=", "-XX:StartFlightRecording*filename=");

	private final List<Pattern> excluded;

	/**
	 * Create a filter.
	 * @param excluded the patterns of the options to leave out
	 */
	public JvmOptionFilter(List<String> excluded) {
		Objects.requireNonNull(excluded, "'excluded' must not be null");
		this.excluded = excluded.stream().filter((pattern) -> !pattern.isEmpty()).map(JvmOptionFilter::compile).toList();
	}

	private static Pattern compile(String pattern) {
		StringBuilder regex = new StringBuilder();
		for (String literal : pattern.split("\\*", -1)) {
			if (!regex.isEmpty()) {
				regex.append(".*");
			}
			regex.append(Pattern.quote(literal));
		}
		return Pattern.compile(regex.toString(), Pattern.DOTALL);
	}

	/**
	 * Whether an option is left out.
	 * @param option a JVM option
	 * @return whether it starts with one of the patterns
	 */
	public boolean excludes(String option) {
		return this.excluded.stream().anyMatch((pattern) -> pattern.matcher(option).lookingAt());
	}

	/**
	 * Return the options that are not left out, in their order.
	 * @param options JVM options
	 * @return those the filter keeps
	 */
	public List<String> filter(List<String> options) {
		return options.stream().filter((option) -> !excludes(option)).toList();
	}

}
