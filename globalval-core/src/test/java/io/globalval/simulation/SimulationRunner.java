package io.globalval.simulation;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * Runs many seeds of the simulation (in parallel: each run is one thread and shares
 * nothing) and, for the first that fails, runs it again with a trace. Also the command
 * line: {@code java ... io.globalval.simulation.SimulationRunner [seeds] [first-seed] [faults]}
 * (see README, "Testing the engine").
 */
final class SimulationRunner {

	private SimulationRunner() {
	}

	/**
	 * Run seeds {@code first} to {@code first + count - 1}.
	 * @return the summary, with the first failure replayed with a trace
	 */
	static Summary run(long first, long count, SimulationOptions options) {
		AtomicLong failures = new AtomicLong();
		AtomicLong firstFailure = new AtomicLong(Long.MAX_VALUE);
		AtomicLong steps = new AtomicLong();
		AtomicLong operations = new AtomicLong();
		AtomicLong faults = new AtomicLong();
		ConcurrentSkipListMap<Long, String> failed = new ConcurrentSkipListMap<>();
		long started = System.nanoTime();
		LongStream.range(first, first + count).parallel().forEach((seed) -> {
			SimulationResult result = new Simulation(seed, options).run();
			steps.addAndGet(result.steps());
			operations.addAndGet(result.operations());
			faults.addAndGet(result.faults());
			if (result.failed()) {
				failures.incrementAndGet();
				firstFailure.accumulateAndGet(seed, Math::min);
				failed.put(seed, result.failure());
			}
		});
		long millis = (System.nanoTime() - started) / 1_000_000;
		SimulationResult replay = (failures.get() > 0)
				? new Simulation(firstFailure.get(), options.withTrace()).run() : null;
		List<String> failing = failed.entrySet().stream().limit(20).map((e) -> "seed " + e.getKey() + ": " + e.getValue())
			.toList();
		return new Summary(count, failures.get(), steps.get(), operations.get(), faults.get(), millis, failing, replay);
	}

	public static void main(String[] args) {
		long count = (args.length > 0) ? Long.parseLong(args[0]) : 10_000;
		long first = (args.length > 1) ? Long.parseLong(args[1]) : 1;
		SimulationOptions options = (args.length > 2) ? SimulationOptions.all().with(args[2])
				: SimulationOptions.continuousIntegration();
		if (count == 1) {
			SimulationResult result = new Simulation(first, options.withTrace()).run();
			result.trace().forEach(System.out::println);
			System.out.println((result.failed() ? "FAILED: " + result.failure() : "passed") + " (seed " + first + ")");
			System.exit(result.failed() ? 1 : 0);
		}
		Summary summary = run(first, count, options);
		summary.print(System.out);
		System.exit((summary.failures() > 0) ? 1 : 0);
	}

	/** What a batch of seeds found. */
	record Summary(long seeds, long failures, long steps, long operations, long faults, long millis,
			List<String> failing, SimulationResult firstFailure) {

		void print(PrintStream out) {
			out.printf("simulation: %d seeds, %d failures (%d steps, %d client operations, %d faults, %.1f s)%n",
					this.seeds, this.failures, this.steps, this.operations, this.faults, this.millis / 1000.0);
			this.failing.forEach((line) -> out.println("  " + line));
			if (this.firstFailure != null) {
				out.println("first failing seed: " + this.firstFailure.seed() + " (" + this.firstFailure.options().describe()
						+ "): " + this.firstFailure.failure());
				int from = Math.max(0, this.firstFailure.trace().size() - 300);
				out.println("trace (last " + (this.firstFailure.trace().size() - from) + " of "
						+ this.firstFailure.trace().size() + " lines):");
				this.firstFailure.trace().subList(from, this.firstFailure.trace().size()).forEach(out::println);
			}
		}

	}

}
