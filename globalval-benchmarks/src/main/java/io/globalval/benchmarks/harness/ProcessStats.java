package io.globalval.benchmarks.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a child process has used of the machine so far: CPU time, kernel-mode ticks and
 * context switches, read from the JVM and from /proc.
 */
final class ProcessStats {

	private ProcessStats() {
	}

	/** CPU time this process has used so far, all threads, user and system. */
	static long cpuNanos() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		return (os instanceof com.sun.management.OperatingSystemMXBean)
				? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : -1;
	}

	/**
	 * Context switches of this process so far: the sum, over its live threads, of the
	 * voluntary and involuntary switches in /proc/self/task/N/status (0 where there is no
	 * /proc). A thread hand-off costs at least one.
	 */
	static long contextSwitches() {
		long total = 0;
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				try {
					for (String line : Files.readAllLines(task.resolve("status"))) {
						if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
							total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
					}
				}
				catch (IOException ex) {
					// the thread ended meanwhile
				}
			}
		}
		catch (IOException ex) {
			return 0;
		}
		return total;
	}

	/** Kernel-mode CPU time of this process so far, in clock ticks (/proc/self/stat field 15; -1 elsewhere). */
	static long systemTicks() {
		try {
			String stat = Files.readString(Path.of("/proc/self/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields[0] is field 3 (state), so stime (field 15) is fields[12]
			return Long.parseLong(fields[12]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

}
