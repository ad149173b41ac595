package io.globalval.benchmarks.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one harness invocation runs. Parsed from {@code --name=value} arguments and
 * workload letters; every field has the WORKLOADS.md default.
 */
public final class HarnessOptions {

	/** Systems the harness knows, in the order it runs them. */
	public static final List<String> ALL_SYSTEMS = List.of("globalval", "relay", "hazelcast", "globalval-redis",
			"redisson", "seed");

	/** Systems that need a {@code redis-server} (the harness starts one per group). */
	public static final List<String> REDIS_SYSTEMS = List.of("globalval-redis", "redisson");

	/** Workloads the systems on Redis run (issue 8 compares them on L and T). */
	public static final List<String> REDIS_WORKLOADS = List.of("L", "T");

	int runs = 3;

	List<String> workloads = new ArrayList<>(List.of("L", "T", "C", "B", "J"));

	List<String> systems = new ArrayList<>(ALL_SYSTEMS);

	/** Whether {@code --systems} was given (else the systems on Redis are dropped when redis-server is absent). */
	boolean systemsGiven;

	int workers = 4;

	int latencySets = 2000;

	long latencyIntervalNanos = 2_000_000;

	List<Integer> latencyKeys = List.of(10, 10_000);

	int throughputUpdates = 50_000;

	/**
	 * Updates of an unmeasured T phase run before the measured one, in the same group,
	 * mode and keys, followed by an idle pause; 0 for none.
	 */
	int throughputWarmUpdates = 0;

	int convergenceSets = 5000;

	int convergenceIncrements = 1000;

	List<Integer> bytesKeys = List.of(10, 1000, 10_000);

	int bytesRepetitions = 5;

	int joinKeys = 100_000;

	int capSeconds = 30;

	int warmSets = 50_000;

	long warmMillis = 5000;

	Path root = Path.of("").toAbsolutePath();

	String seedScript = "../shared/peers/node-seed/bench.js";

	Path out;

	Path jfrDirectory;

	Path workDirectory;

	List<String> childOptions = new ArrayList<>(List.of("-Xms256m", "-Xmx1g"));

	/**
	 * Parse arguments.
	 * @param args {@code --name=value} options and workload letters
	 * @return the options
	 */
	public static HarnessOptions parse(String... args) {
		HarnessOptions o = new HarnessOptions();
		List<String> workloads = new ArrayList<>();
		for (String arg : args) {
			if (!arg.startsWith("--")) {
				workloads.add(arg.toUpperCase(Locale.ROOT));
				continue;
			}
			int eq = arg.indexOf('=');
			String name = (eq > 0) ? arg.substring(2, eq) : arg.substring(2);
			String value = (eq > 0) ? arg.substring(eq + 1) : "true";
			switch (name) {
				case "runs" -> o.runs = Integer.parseInt(value);
				case "systems" -> {
					o.systems = new ArrayList<>(Arrays.asList(value.split(",")));
					o.systemsGiven = true;
				}
				case "N" -> o.workers = Integer.parseInt(value);
				case "S" -> o.latencySets = Integer.parseInt(value);
				case "L-K" -> o.latencyKeys = ints(value);
				case "U" -> o.throughputUpdates = Integer.parseInt(value);
				case "T-warm" -> o.throughputWarmUpdates = Integer.parseInt(value);
				case "C-sets" -> o.convergenceSets = Integer.parseInt(value);
				case "C-incs" -> o.convergenceIncrements = Integer.parseInt(value);
				case "B-K" -> o.bytesKeys = ints(value);
				case "B-reps" -> o.bytesRepetitions = Integer.parseInt(value);
				case "J-K" -> o.joinKeys = Integer.parseInt(value);
				case "cap-s" -> o.capSeconds = Integer.parseInt(value);
				case "warm" -> o.warmSets = Integer.parseInt(value);
				case "warm-ms" -> o.warmMillis = Long.parseLong(value);
				case "root" -> o.root = Path.of(value).toAbsolutePath();
				case "seed" -> o.seedScript = value;
				case "out" -> o.out = Path.of(value).toAbsolutePath();
				case "jfr" -> o.jfrDirectory = Path.of(value).toAbsolutePath();
				case "work-dir" -> o.workDirectory = Path.of(value).toAbsolutePath();
				case "child-opts" -> o.childOptions = new ArrayList<>(Arrays.asList(value.trim().split("\\s+")));
				default -> throw new IllegalArgumentException("Unknown option --" + name + "; see BENCHMARKS.md");
			}
		}
		if (!workloads.isEmpty()) {
			o.workloads = workloads;
		}
		for (String system : o.systems) {
			if (!ALL_SYSTEMS.contains(system)) {
				throw new IllegalArgumentException("Unknown system '" + system + "'; known: " + ALL_SYSTEMS);
			}
		}
		return o;
	}

	private static List<Integer> ints(String value) {
		List<Integer> list = new ArrayList<>();
		for (String part : value.split(",")) {
			list.add(Integer.parseInt(part.trim()));
		}
		return list;
	}

	/**
	 * Return the workloads to run.
	 * @return workload letters
	 */
	public List<String> workloads() {
		return this.workloads;
	}

	/**
	 * Return the number of runs.
	 * @return runs
	 */
	public int runs() {
		return this.runs;
	}

}
