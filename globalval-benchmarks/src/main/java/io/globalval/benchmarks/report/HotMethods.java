package io.globalval.benchmarks.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the {@code jdk.ExecutionSample} events of a flight recording: where the
 * CPU samples are by thread, by top frame (self time), and by the first globalval frame
 * on the stack (so time spent in the JDK or Jackson on globalval's behalf is charged to
 * the globalval method that called it).
 * <pre>
 * java -jar globalval-benchmarks.jar hot recording.jfr [top]
 * </pre>
 */
public final class HotMethods {

	private HotMethods() {
	}

	/**
	 * Print the summary as Markdown.
	 * @param args the recording, and optionally how many rows per table
	 * @throws IOException if the recording cannot be read
	 */
	public static void main(String[] args) throws IOException {
		Path file = Path.of(args[0]);
		int top = (args.length > 1) ? Integer.parseInt(args[1]) : 15;
		Map<String, Integer> byThread = new HashMap<>();
		Map<String, Integer> bySelf = new HashMap<>();
		Map<String, Integer> byGlobalval = new HashMap<>();
		int total = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
			if (!"jdk.ExecutionSample".equals(event.getEventType().getName())) {
				continue;
			}
			RecordedStackTrace stack = event.getStackTrace();
			if (stack == null || stack.getFrames().isEmpty()) {
				continue;
			}
			total++;
			RecordedThread thread = event.getThread("sampledThread");
			String threadName = (thread != null && thread.getJavaName() != null)
					? thread.getJavaName().replaceAll("-\\d+$", "-N") : "?";
			byThread.merge(threadName, 1, Integer::sum);
			List<RecordedFrame> frames = stack.getFrames();
			bySelf.merge(name(frames.get(0)), 1, Integer::sum);
			for (RecordedFrame frame : frames) {
				String name = name(frame);
				if (name.startsWith("io.globalval.") && !name.startsWith("io.globalval.benchmarks.")) {
					byGlobalval.merge(name, 1, Integer::sum);
					break;
				}
			}
		}
		System.out.println("### " + file.getFileName() + ": " + total + " execution samples");
		print("thread", byThread, total, top);
		print("top frame (self)", bySelf, total, top);
		print("first globalval frame on the stack", byGlobalval, total, top);
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

	private static void print(String title, Map<String, Integer> counts, int total, int top) {
		System.out.println();
		System.out.println("| " + title + " | samples | % |");
		System.out.println("|---|---:|---:|");
		Map<String, Integer> sorted = counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(top)
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
		sorted.forEach((name, n) -> System.out.printf("| `%s` | %d | %.1f |%n", name, n, 100.0 * n / Math.max(1, total)));
	}

}
