package io.globalval.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * The arithmetic of the JSON lines: percentiles, rounding, and the figures of the
 * answers that every process of a group gave to one command.
 */
final class Figures {

	private Figures() {
	}

	/** The {@code p}-th percentile of sorted values (nearest rank), or null when there are none. */
	static Long percentile(List<Long> sorted, double p) {
		if (sorted.isEmpty()) {
			return null;
		}
		int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
		return sorted.get(Math.min(sorted.size() - 1, Math.max(0, index)));
	}

	/** Nanoseconds in microseconds, to one decimal, or null. */
	static Double micros(Long nanos) {
		return (nanos != null) ? round(nanos / 1e3, 1) : null;
	}

	/** A value rounded to {@code digits} decimals. */
	static double round(double v, int digits) {
		double scale = Math.pow(10, digits);
		return Math.round(v * scale) / scale;
	}

	/** One figure of a snapshot, per process. */
	static List<Long> field(List<JsonNode> snapshot, String name) {
		List<Long> values = new ArrayList<>();
		for (JsonNode c : snapshot) {
			values.add(c.get(name).asLong());
		}
		return values;
	}

	/** One figure of a snapshot, summed over the processes. */
	static long sum(List<JsonNode> snapshot, String name) {
		long total = 0;
		for (long v : field(snapshot, name)) {
			total += v;
		}
		return total;
	}

}
