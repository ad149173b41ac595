package io.globalval.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoublePredicate;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the harness's JSON lines into the tables of BENCHMARKS.md (median of the runs,
 * min-max), the ratios of globalval to each other system computed run by run, the
 * issue's targets with met or missed, and PNG charts.
 * <pre>
 * java -jar globalval-benchmarks.jar report results.jsonl [more.jsonl...] [--charts=dir]
 * </pre>
 */
public final class Report {

	static final String GLOBALVAL = "globalval-uds";

	static final String RELAY = "raw-uds-relay";

	static final String HAZELCAST = "hazelcast-replicatedmap";

	static final String SEED = "node-seed-globalVal";

	static final String GLOBALVAL_REDIS = "globalval-redis";

	static final String REDISSON = "redisson-rlocalcachedmap";

	static final String MAP = "java-concurrenthashmap";

	static final List<String> SYSTEMS = List.of(GLOBALVAL, RELAY, HAZELCAST, GLOBALVAL_REDIS, REDISSON, SEED);

	private final List<JsonNode> lines;

	private final StringBuilder out = new StringBuilder();

	Report(List<JsonNode> lines) {
		this.lines = lines;
	}

	/**
	 * Print the report.
	 * @param args JSON-lines files and {@code --charts=dir}
	 * @throws IOException if a file cannot be read or a chart written
	 */
	public static void main(String[] args) throws IOException {
		System.setProperty("java.awt.headless", "true");
		JsonMapper mapper = JsonMapper.builder().build();
		List<JsonNode> lines = new ArrayList<>();
		Path charts = null;
		for (String arg : args) {
			if (arg.startsWith("--charts=")) {
				charts = Path.of(arg.substring("--charts=".length()));
				continue;
			}
			for (String text : Files.readAllLines(Path.of(arg))) {
				if (text.startsWith("{")) {
					lines.add(mapper.readTree(text));
				}
			}
		}
		Report report = new Report(lines);
		report.tables();
		report.ratios();
		report.targets();
		System.out.print(report.out);
		if (charts != null) {
			Files.createDirectories(charts);
			report.charts(charts);
		}
	}

	// ------------------------------------------------------------ selection

	/** One figure of one system: its value per run. */
	TreeMap<Integer, Double> values(String system, String workload, Integer k, String op, String field) {
		TreeMap<Integer, Double> byRun = new TreeMap<>();
		for (JsonNode line : this.lines) {
			if (!system.equals(line.path("system").asString()) || !workload.equals(line.path("workload").asString())) {
				continue;
			}
			if (k != null && (!line.path("K").isNumber() || line.path("K").asInt() != k)) {
				continue;
			}
			if (op != null && !op.equals(line.path("op").asString())) {
				continue;
			}
			JsonNode v = line.get(field);
			if (v != null && v.isNumber()) {
				byRun.put(line.path("run").asInt(), v.asDouble());
			}
		}
		return byRun;
	}

	/** Throughput per run, falling back to the rate before the cap when a run was capped. */
	TreeMap<Integer, Double> throughput(String system, String mode, boolean[] capped) {
		TreeMap<Integer, Double> v = values(system, "T", null, null, "updates_per_s_" + mode);
		TreeMap<Integer, Double> beforeCap = values(system, "T", null, null, "updates_per_s_before_cap_" + mode);
		beforeCap.forEach((run, value) -> {
			if (!v.containsKey(run)) {
				v.put(run, value);
				capped[0] = true;
			}
		});
		return v;
	}

	static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	static String format(double v) {
		double a = Math.abs(v);
		if (a != 0 && a < 0.01) {
			return String.format(Locale.ROOT, "%.1e", v);
		}
		if (v == Math.rint(v) && a < 1e15) {
			return String.format(Locale.ROOT, "%,.0f", v);
		}
		if (a >= 1000) {
			return String.format(Locale.ROOT, "%,.0f", v);
		}
		if (a >= 10) {
			return String.format(Locale.ROOT, "%.1f", v);
		}
		return String.format(Locale.ROOT, "%.2f", v);
	}

	static String cell(TreeMap<Integer, Double> byRun, String suffix) {
		if (byRun.isEmpty()) {
			return "–";
		}
		List<Double> v = new ArrayList<>(byRun.values());
		String text = format(median(v)) + suffix;
		if (v.size() > 1) {
			text += " (" + format(Collections.min(v)) + "–" + format(Collections.max(v)) + ")";
		}
		return text;
	}

	// ------------------------------------------------------------ tables

	private record Row(String workload, Integer k, String op, String field, String label) {
	}

	private static final List<Row> ROWS = List.of(new Row("L", 10, null, "p50_us", "L K=10 p50 µs"),
			new Row("L", 10, null, "p99_us", "L K=10 p99 µs"), new Row("L", 10, null, "max_us", "L K=10 max µs"),
			new Row("L", 10, null, "lost", "L K=10 lost"), new Row("L", 10_000, null, "p50_us", "L K=10,000 p50 µs"),
			new Row("L", 10_000, null, "p99_us", "L K=10,000 p99 µs"),
			new Row("L", 10_000, null, "max_us", "L K=10,000 max µs"),
			new Row("L", 10_000, null, "lost", "L K=10,000 lost"),
			new Row("L", 10, null, "applied_p50_us", "L K=10 p50 µs, applied before the listener hop (globalval)"),
			new Row("L", 10, null, "context_switches_per_set", "L K=10 context switches per set, all processes"),
			new Row("T", null, null, "1w", "T 1 writer, updates/s"), new Row("T", null, null, "nw", "T 4 writers, updates/s"),
			new Row("T", null, null, "cpu_us_per_update_1w", "T 1 writer, CPU µs per update, all processes"),
			new Row("T", null, null, "cpu_us_per_update_nw", "T 4 writers, CPU µs per update, all processes"),
			new Row("T", null, null, "context_switches_per_update_1w", "T 1 writer, context switches per update"),
			new Row("T", null, null, "context_switches_per_update_nw", "T 4 writers, context switches per update"),
			new Row("C", null, null, "divergent_keys", "C divergent keys"),
			new Row("C", null, null, "counter_seen", "C counter seen (of 4,000)"),
			new Row("B", null, null, "bytes_k10", "B bytes/set, K=10"),
			new Row("B", null, null, "bytes_k1000", "B bytes/set, K=1,000"),
			new Row("B", null, null, "bytes_k10000", "B bytes/set, K=10,000"), new Row("J", null, null, "join_ms", "J join ms, K=100,000"),
			new Row("L", 10, null, "host_load_1m", "host load average (1 min) at the end of L K=10"));

	void tables() {
		this.out.append("| figure | ").append(String.join(" | ", SYSTEMS)).append(" |\n");
		this.out.append("|---|").append("---:|".repeat(SYSTEMS.size())).append('\n');
		boolean anyCapped = false;
		for (Row row : ROWS) {
			StringBuilder line = new StringBuilder("| ").append(row.label()).append(" |");
			for (String system : SYSTEMS) {
				String suffix = "";
				TreeMap<Integer, Double> v;
				if (isThroughput(row)) {
					boolean[] capped = new boolean[1];
					v = throughput(system, row.field(), capped);
					if (capped[0]) {
						suffix = " *";
						anyCapped = true;
					}
				}
				else {
					v = values(system, row.workload(), row.k(), row.op(), row.field());
					if ("L".equals(row.workload()) && !v.isEmpty() && anyTrue(system, "L", row.k(), "capped")) {
						suffix = " *";
						anyCapped = true;
					}
				}
				line.append(' ').append(cell(v, suffix)).append(" |");
			}
			this.out.append(line).append('\n');
		}
		this.out.append('\n');
		if (anyCapped) {
			this.out.append("\\* capped: the phase hit the cap; the figure covers what got through before it.\n\n");
		}
		this.out.append("| R (JMH, ns per get) | median (min–max) |\n|---|---:|\n");
		for (String[] r : List.of(new String[] { GLOBALVAL, "get(key)" }, new String[] { GLOBALVAL, "get(key, Class)" },
				new String[] { MAP, "ConcurrentHashMap.get" }, new String[] { HAZELCAST, "ReplicatedMap.get" },
				new String[] { SEED, null })) {
			TreeMap<Integer, Double> v = values(r[0], "R", null, r[1], "ns_per_get");
			this.out.append("| ").append(r[0]).append((r[1] != null) ? " " + r[1] : "").append(" | ").append(cell(v, ""))
				.append(" |\n");
		}
		this.out.append('\n');
	}

	private boolean anyTrue(String system, String workload, Integer k, String field) {
		for (JsonNode line : this.lines) {
			if (system.equals(line.path("system").asString()) && workload.equals(line.path("workload").asString())
					&& (k == null || line.path("K").asInt() == k) && line.path(field).asBoolean(false)) {
				return true;
			}
		}
		return false;
	}

	// ------------------------------------------------------------ ratios

	/** Ratio of globalval to another system, run by run. */
	static TreeMap<Integer, Double> ratio(TreeMap<Integer, Double> globalval, TreeMap<Integer, Double> other) {
		TreeMap<Integer, Double> ratio = new TreeMap<>();
		globalval.forEach((run, v) -> {
			Double o = other.get(run);
			if (o != null && o != 0) {
				ratio.put(run, v / o);
			}
		});
		return ratio;
	}

	void ratios() {
		this.out.append("Ratios globalval ÷ other system, computed within each run (median, min–max over runs):\n\n");
		this.out.append("| figure | ÷ ").append(RELAY).append(" | ÷ ").append(HAZELCAST).append(" | ÷ ").append(SEED)
			.append(" |\n|---|---:|---:|---:|\n");
		for (Row row : ROWS) {
			if ("lost".equals(row.field()) || "C".equals(row.workload()) || row.field().startsWith("applied")
					|| row.field().startsWith("host") || row.field().startsWith("context")) {
				continue;
			}
			StringBuilder line = new StringBuilder("| ").append(row.label()).append(" |");
			TreeMap<Integer, Double> gv = series(GLOBALVAL, row);
			for (String other : List.of(RELAY, HAZELCAST, SEED)) {
				line.append(' ').append(cell(ratio(gv, series(other, row)), "×")).append(" |");
			}
			this.out.append(line).append('\n');
		}
		this.out.append('\n');
		redisRatios();
	}

	/** On one redis-server: globalval's Redis transport against Redisson's local cached map (L and T only). */
	private void redisRatios() {
		this.out.append("On Redis, computed within each run (median, min–max over runs):\n\n");
		this.out.append("| figure | ").append(GLOBALVAL_REDIS).append(" ÷ ").append(REDISSON).append(" | ")
			.append(GLOBALVAL_REDIS).append(" ÷ ").append(GLOBALVAL).append(" |\n|---|---:|---:|\n");
		for (Row row : ROWS) {
			boolean latency = "L".equals(row.workload()) && (row.field().startsWith("p") || row.field().startsWith("max"));
			if (!latency && !"T".equals(row.workload())) {
				continue;
			}
			TreeMap<Integer, Double> onRedis = series(GLOBALVAL_REDIS, row);
			if (onRedis.isEmpty()) {
				continue;
			}
			this.out.append("| ").append(row.label()).append(" | ").append(cell(ratio(onRedis, series(REDISSON, row)), "×"))
				.append(" | ").append(cell(ratio(onRedis, series(GLOBALVAL, row)), "×")).append(" |\n");
		}
		this.out.append('\n');
	}

	private static boolean isThroughput(Row row) {
		return "T".equals(row.workload()) && ("1w".equals(row.field()) || "nw".equals(row.field()));
	}

	private TreeMap<Integer, Double> series(String system, Row row) {
		if (isThroughput(row)) {
			return throughput(system, row.field(), new boolean[1]);
		}
		return values(system, row.workload(), row.k(), row.op(), row.field());
	}

	// ------------------------------------------------------------ targets

	private void target(String name, TreeMap<Integer, Double> measured, String unit, DoublePredicate met) {
		this.out.append("| ").append(name).append(" | ");
		if (measured.isEmpty()) {
			this.out.append("not measured | – | – |\n");
			return;
		}
		long meeting = measured.values().stream().filter((v) -> met.test(v)).count();
		boolean medianMet = met.test(median(new ArrayList<>(measured.values())));
		String verdict = (meeting == measured.size()) ? "**met**"
				: medianMet ? "met on the median, missed in " + (measured.size() - meeting) + " run(s)" : "**missed**";
		this.out.append(cell(measured, unit)).append(" | ").append(meeting).append('/').append(measured.size())
			.append(" | ").append(verdict).append(" |\n");
	}

	void targets() {
		this.out.append("| target (issue 6) | measured: median (min–max) | runs meeting | verdict |\n|---|---:|---:|---|\n");
		for (int k : List.of(10, 10_000)) {
			target("L p50 ≤ 1.5× relay, K=" + k,
					ratio(values(GLOBALVAL, "L", k, null, "p50_us"), values(RELAY, "L", k, null, "p50_us")), "×",
					(v) -> v <= 1.5);
		}
		target("L p50 K=10,000 ≤ 1.2× K=10",
				ratio(values(GLOBALVAL, "L", 10_000, null, "p50_us"), values(GLOBALVAL, "L", 10, null, "p50_us")), "×",
				(v) -> v <= 1.2);
		for (int k : List.of(10, 10_000)) {
			target("L p99 ≤ 3× relay, K=" + k,
					ratio(values(GLOBALVAL, "L", k, null, "p99_us"), values(RELAY, "L", k, null, "p99_us")), "×",
					(v) -> v <= 3);
			target("L 0 lost, K=" + k, values(GLOBALVAL, "L", k, null, "lost"), "", (v) -> v == 0);
		}
		for (String mode : List.of("1w", "nw")) {
			target("T " + mode + " ≥ 0.7× relay",
					ratio(throughput(GLOBALVAL, mode, new boolean[1]), throughput(RELAY, mode, new boolean[1])), "×",
					(v) -> v >= 0.7);
		}
		target("C 0 divergent keys", values(GLOBALVAL, "C", null, null, "divergent_keys"), "", (v) -> v == 0);
		TreeMap<Integer, Double> lostIncrements = new TreeMap<>();
		TreeMap<Integer, Double> seen = values(GLOBALVAL, "C", null, null, "counter_seen");
		TreeMap<Integer, Double> expected = values(GLOBALVAL, "C", null, null, "counter_expected");
		seen.forEach((run, v) -> {
			if (expected.containsKey(run)) {
				lostIncrements.put(run, expected.get(run) - v);
			}
		});
		target("C counter exact (increments lost)", lostIncrements, "", (v) -> v == 0);
		for (int k : List.of(10, 1000, 10_000)) {
			target("B ≤ 1.5× relay bytes, K=" + k, ratio(values(GLOBALVAL, "B", null, null, "bytes_k" + k),
					values(RELAY, "B", null, null, "bytes_k" + k)), "×", (v) -> v <= 1.5);
		}
		target("B same at all K (bytes K=10,000 ÷ K=10)", ratio(values(GLOBALVAL, "B", null, null, "bytes_k10000"),
				values(GLOBALVAL, "B", null, null, "bytes_k10")), "×", (v) -> v <= 1.05);
		target("J ≤ 500 ms", values(GLOBALVAL, "J", null, null, "join_ms"), " ms", (v) -> v <= 500);
		target("J ≤ 0.2× Hazelcast",
				ratio(values(GLOBALVAL, "J", null, null, "join_ms"), values(HAZELCAST, "J", null, null, "join_ms")), "×",
				(v) -> v <= 0.2);
		TreeMap<Integer, Double> map = values(MAP, "R", null, "ConcurrentHashMap.get", "ns_per_get");
		target("R get ≤ 2× ConcurrentHashMap.get", ratio(values(GLOBALVAL, "R", null, "get(key)", "ns_per_get"), map), "×",
				(v) -> v <= 2);
		target("R get(key, Class) ≤ 3× ConcurrentHashMap.get",
				ratio(values(GLOBALVAL, "R", null, "get(key, Class)", "ns_per_get"), map), "×", (v) -> v <= 3);
		this.out.append('\n');
	}

	// ------------------------------------------------------------ charts

	void charts(Path directory) throws IOException {
		for (int k : List.of(10, 10_000)) {
			Map<String, List<Double>> series = new LinkedHashMap<>();
			for (String field : List.of("p50_us", "p99_us", "max_us")) {
				List<Double> y = new ArrayList<>();
				for (String system : SYSTEMS) {
					TreeMap<Integer, Double> v = values(system, "L", k, null, field);
					y.add(v.isEmpty() ? null : median(new ArrayList<>(v.values())));
				}
				series.put(field.replace("_us", ""), y);
			}
			save(chart("L: set-to-visible latency, K = " + String.format(Locale.ROOT, "%,d", k)
					+ " (median of runs; log scale)", "microseconds", series), directory.resolve("latency-k" + k + ".png"));
		}
		Map<String, List<Double>> throughput = new LinkedHashMap<>();
		for (String mode : List.of("1w", "nw")) {
			List<Double> y = new ArrayList<>();
			for (String system : SYSTEMS) {
				TreeMap<Integer, Double> v = throughput(system, mode, new boolean[1]);
				y.add(v.isEmpty() ? null : median(new ArrayList<>(v.values())));
			}
			throughput.put("1w".equals(mode) ? "1 writer" : "4 writers", y);
		}
		save(chart("T: updates/s visible to every worker (median of runs; log scale)", "updates per second", throughput),
				directory.resolve("throughput.png"));
		Map<String, List<Double>> bytes = new LinkedHashMap<>();
		for (int k : List.of(10, 1000, 10_000)) {
			List<Double> y = new ArrayList<>();
			for (String system : SYSTEMS) {
				TreeMap<Integer, Double> v = values(system, "B", null, null, "bytes_k" + k);
				y.add(v.isEmpty() ? null : median(new ArrayList<>(v.values())));
			}
			bytes.put("K = " + String.format(Locale.ROOT, "%,d", k), y);
		}
		save(chart("B: bytes on the wire for one set, all recipients (log scale)", "bytes", bytes),
				directory.resolve("bytes.png"));
	}

	private static CategoryChart chart(String title, String yTitle, Map<String, List<Double>> series) {
		CategoryChart chart = new CategoryChartBuilder().width(1200).height(600).title(title).yAxisTitle(yTitle).build();
		chart.getStyler().setYAxisLogarithmic(true);
		chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
		chart.getStyler().setXAxisLabelRotation(12);
		chart.getStyler().setLabelsVisible(true);
		chart.getStyler().setLabelsRotation(90);
		chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
		chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
		chart.getStyler().setDecimalPattern("#,##0");
		List<String> x = new ArrayList<>();
		List<Integer> present = new ArrayList<>();
		for (int i = 0; i < SYSTEMS.size(); i++) {
			boolean any = false;
			for (List<Double> y : series.values()) {
				any |= y.get(i) != null && y.get(i) > 0;
			}
			if (any) {
				x.add(SYSTEMS.get(i));
				present.add(i);
			}
		}
		double min = Double.MAX_VALUE;
		double max = 0;
		for (List<Double> y : series.values()) {
			for (Double v : y) {
				if (v != null && v > 0) {
					min = Math.min(min, v);
					max = Math.max(max, v);
				}
			}
		}
		// bars of a logarithmic axis need a positive floor (XChart starts bars at the axis minimum)
		chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
		chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(max * 1.5))));
		double floor = Math.pow(10, Math.floor(Math.log10(min)));
		series.forEach((name, y) -> {
			List<Double> kept = new ArrayList<>();
			for (int i : present) {
				Double v = y.get(i);
				// a missing figure is drawn as no bar (at the floor)
				kept.add((v != null && v > 0) ? v : floor);
			}
			chart.addSeries(name, x, kept);
		});
		return chart;
	}

	private static void save(CategoryChart chart, Path file) throws IOException {
		BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
	}

}
