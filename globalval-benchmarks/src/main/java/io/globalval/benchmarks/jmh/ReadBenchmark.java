package io.globalval.benchmarks.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.globalval.GlobalValNodes;
import io.globalval.GlobalValTemplate;
import io.globalval.benchmarks.harness.Values;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.RolePreference;

/**
 * Workload R: one thread reading an existing key of a 10-key map, in-process. Each
 * system has its own state, so a fork only starts what its benchmark reads (no Hazelcast
 * threads while globalval is measured). The key looked up is equal to the stored one but
 * not the same instance, as for keys that came off the wire.
 * <pre>
 * java -jar globalval-benchmarks/target/globalval-benchmarks.jar jmh ReadBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
public class ReadBenchmark {

	/** Keys in every map read. */
	public static final int KEYS = 10;

	/** A globalval master alone: its replica is the one every get reads. */
	@State(Scope.Benchmark)
	public static class GlobalValState {

		Path directory;

		GlobalValNode node;

		GlobalValTemplate template;

		String key;

		@Setup(Level.Trial)
		public void setUp() throws Exception {
			this.directory = Files.createTempDirectory("gvjmh-");
			this.node = GlobalValNodes.start(NodeSettings.builder()
				.name("jmh")
				.directory(this.directory.resolve("uds"))
				.role(RolePreference.MASTER)
				.pingInterval(Duration.ofHours(1))
				.build());
			this.template = new GlobalValTemplate(this.node);
			for (int i = 0; i < KEYS; i++) {
				this.template.set("k" + i, Values.val(0, i, 0)).get(10, TimeUnit.SECONDS);
			}
			this.key = new String("k5".toCharArray());
		}

		@TearDown(Level.Trial)
		public void tearDown() throws IOException {
			this.node.close();
			try (Stream<Path> files = Files.walk(this.directory)) {
				files.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
			}
		}

	}

	/** The baseline: a plain map of the same values. */
	@State(Scope.Benchmark)
	public static class MapState {

		final ConcurrentHashMap<String, Object> map = new ConcurrentHashMap<>();

		String key;

		@Setup(Level.Trial)
		public void setUp() {
			for (int i = 0; i < KEYS; i++) {
				this.map.put("k" + i, Values.val(0, i, 0));
			}
			this.key = new String("k5".toCharArray());
		}

	}

	/** One embedded Hazelcast member (loopback, no join) with a ReplicatedMap. */
	@State(Scope.Benchmark)
	public static class HazelcastState {

		HazelcastInstance hazelcast;

		ReplicatedMap<String, String> map;

		String key;

		@Setup(Level.Trial)
		public void setUp() {
			Config config = new Config();
			config.setClusterName("gvjmh-" + ProcessHandle.current().pid());
			config.setProperty("hazelcast.phone.home.enabled", "false");
			config.setProperty("hazelcast.logging.type", "slf4j");
			config.getJetConfig().setEnabled(false);
			config.getNetworkConfig().setPort(25_701).setPortAutoIncrement(true).setPortCount(100);
			config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
			config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
			config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
			config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
			this.hazelcast = Hazelcast.newHazelcastInstance(config);
			this.map = this.hazelcast.getReplicatedMap("bench");
			for (int i = 0; i < KEYS; i++) {
				this.map.put("k" + i, Values.json(Values.val(0, i, 0)));
			}
			this.key = new String("k5".toCharArray());
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.hazelcast.getLifecycleService().terminate();
		}

	}

	@Benchmark
	public Object globalvalGet(GlobalValState state) {
		return state.template.get(state.key);
	}

	@Benchmark
	public Values.Val globalvalGetAsClass(GlobalValState state) {
		return state.template.get(state.key, Values.Val.class);
	}

	@Benchmark
	public Object concurrentHashMapGet(MapState state) {
		return state.map.get(state.key);
	}

	@Benchmark
	@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m", "--add-modules", "java.se", "--add-exports",
			"java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens",
			"java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
			"--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
			"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn" })
	public Object hazelcastReplicatedMapGet(HazelcastState state) {
		return state.map.get(state.key);
	}

}
