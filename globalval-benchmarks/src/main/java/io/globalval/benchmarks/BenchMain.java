package io.globalval.benchmarks;

import java.util.Arrays;

import io.globalval.benchmarks.harness.Harness;
import io.globalval.benchmarks.harness.HarnessOptions;
import io.globalval.benchmarks.report.HotMethods;
import io.globalval.benchmarks.report.Report;

/**
 * The one command of the benchmarks (see BENCHMARKS.md):
 * <pre>
 * java -jar globalval-benchmarks.jar [--runs=3] [options] L T C B J R   the harness
 * java -jar globalval-benchmarks.jar report results.jsonl [--charts=dir]   tables and charts
 * java -jar globalval-benchmarks.jar hot recording.jfr [top]               hot methods of a JFR file
 * java -jar globalval-benchmarks.jar jmh [JMH options]                     JMH itself
 * </pre>
 */
public final class BenchMain {

	private BenchMain() {
	}

	/**
	 * Run a command.
	 * @param args the command line
	 * @throws Exception if it fails
	 */
	public static void main(String[] args) throws Exception {
		String first = (args.length > 0) ? args[0] : "";
		String[] rest = (args.length > 0) ? Arrays.copyOfRange(args, 1, args.length) : args;
		switch (first) {
			case "report" -> Report.main(rest);
			case "hot" -> HotMethods.main(rest);
			case "jmh" -> org.openjdk.jmh.Main.main(rest);
			default -> {
				HarnessOptions options = HarnessOptions.parse(args);
				try (Harness harness = new Harness(options, (line) -> {
				})) {
					harness.run();
				}
				System.exit(0);
			}
		}
	}

}
