package io.globalval.benchmarks.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny run of the real harness (child JVMs and all) that keeps it working. No timing
 * is asserted: only that every workload prints a well-formed line per system and that
 * globalval converges with an exact counter.
 */
class HarnessSmokeTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	private Harness harness;

	@AfterEach
	void killChildren() {
		if (this.harness != null) {
			this.harness.close();
		}
	}

	@Test
	void everyWorkloadPrintsOneWellFormedLinePerSystem(@TempDir Path work) throws Exception {
		HarnessOptions options = HarnessOptions.parse("--runs=1", "--systems=globalval,relay", "--L-K=10", "--S=20",
				"--U=200", "--T-warm=100", "--C-sets=200", "--C-incs=50", "--B-K=10,100", "--B-reps=1", "--J-K=200",
				"--warm=50", "--warm-ms=1000", "--cap-s=20", "--work-dir=" + work,
				"--child-opts=-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData", "L", "T", "C", "B", "J");
		List<JsonNode> lines = run(options);
		assertThat(lines).allSatisfy((line) -> {
			assertThat(line.has("error")).as("error in %s", line).isFalse();
			assertThat(line.path("N").asInt()).isEqualTo(4);
			assertThat(line.has("K")).isTrue();
			assertThat(line.path("run").asInt()).isEqualTo(1);
		});
		for (String system : List.of("globalval-uds", "raw-uds-relay")) {
			for (String workload : List.of("L", "T", "C", "B", "J")) {
				assertThat(lines).filteredOn((line) -> system.equals(line.path("system").asString())
						&& workload.equals(line.path("workload").asString())).hasSize(1);
			}
		}
		JsonNode latency = find(lines, "globalval-uds", "L");
		assertThat(latency.path("lost").asInt()).isZero();
		assertThat(latency.path("p50_us").isNumber()).isTrue();
		JsonNode throughput = find(lines, "globalval-uds", "T");
		assertThat(throughput.path("updates_per_s_1w").isNumber()).isTrue();
		assertThat(throughput.path("updates_per_s_nw").isNumber()).isTrue();
		// --T-warm: an unmeasured phase of the same shape ran first, in the same group
		assertThat(throughput.path("warm_phase_s_1w").asDouble()).isPositive();
		assertThat(throughput.path("warm_phase_s_nw").asDouble()).isPositive();
		JsonNode convergence = find(lines, "globalval-uds", "C");
		assertThat(convergence.path("divergent_keys").asInt()).isZero();
		assertThat(convergence.path("counter_seen").asLong()).isEqualTo(200);
		assertThat(convergence.path("counter_expected").asLong()).isEqualTo(200);
		JsonNode bytes = find(lines, "globalval-uds", "B");
		// the same up to a few bytes of varint revision numbers, whatever the map size
		assertThat(bytes.path("bytes_k100").asLong()).isBetween(bytes.path("bytes_k10").asLong(),
				bytes.path("bytes_k10").asLong() + 16);
		assertThat(find(lines, "globalval-uds", "J").path("keys_after_join").asInt()).isEqualTo(200);
		assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).isEmpty();
	}

	@Test
	void theSystemsOnRedisRunLatencyAndThroughput(@TempDir Path work) throws Exception {
		HarnessOptions options = HarnessOptions.parse("--runs=1", "--systems=globalval-redis,redisson", "--L-K=10",
				"--S=20", "--U=200", "--warm=50", "--warm-ms=1000", "--cap-s=20", "--work-dir=" + work,
				"--child-opts=-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData", "L", "T", "C");
		List<JsonNode> lines = run(options);
		// L (one K) and T for each system; C is not run on Redis
		assertThat(lines).hasSize(4).allSatisfy((line) -> {
			assertThat(line.has("error")).as("error in %s", line).isFalse();
			assertThat(line.path("workload").asString()).isIn("L", "T");
		});
		for (String system : List.of("globalval-redis", "redisson-rlocalcachedmap")) {
			assertThat(find(lines, system, "L").path("lost").asInt()).isZero();
			JsonNode throughput = find(lines, system, "T");
			assertThat(throughput.path("updates_per_s_1w").isNumber()).as("%s", throughput).isTrue();
			assertThat(throughput.path("updates_per_s_nw").isNumber()).as("%s", throughput).isTrue();
			assertThat(throughput.path("cpu_ms_redis_server_1w").isNumber()).isTrue();
		}
		assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).isEmpty();
	}

	/** Run the harness and return the lines it printed. */
	private List<JsonNode> run(HarnessOptions options) throws Exception {
		List<String> printed = new CopyOnWriteArrayList<>();
		this.harness = new Harness(options, printed::add);
		this.harness.run();
		this.harness.close();
		List<JsonNode> lines = new ArrayList<>();
		for (String text : printed) {
			lines.add(this.mapper.readTree(text));
		}
		return lines;
	}

	private static JsonNode find(List<JsonNode> lines, String system, String workload) {
		return lines.stream()
			.filter((line) -> system.equals(line.path("system").asString())
					&& workload.equals(line.path("workload").asString()))
			.findFirst()
			.orElseThrow();
	}

}
