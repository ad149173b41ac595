package io.globalval.autoconfigure.metrics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.globalval.GlobalValTemplate;
import io.globalval.autoconfigure.GlobalValAutoConfiguration;
import io.globalval.autoconfigure.OtherNodes;
import io.globalval.core.GlobalValNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GlobalValMetricsAutoConfiguration} and {@link GlobalValMetrics}.
 */
class GlobalValMetricsAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Pattern DOUBLED_UNIT = Pattern.compile("_(bytes|seconds)_(.*_)?\\1(_|$)");

	@TempDir
	Path directory;

	private OtherNodes others;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.others = new OtherNodes(this.directory);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class,
					GlobalValMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
			.withPropertyValues("globalval.name=" + OtherNodes.NAME, "globalval.uds.directory=" + this.directory,
					"globalval.ping-interval=100ms");
	}

	@AfterEach
	void closeOthers() {
		this.others.close();
	}

	@Test
	void metersAreBoundToTheRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GlobalValMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.getMeters()).extracting((meter) -> meter.getId().getName())
				.contains("globalval.changes.sent", "globalval.changes.applied", "globalval.propagation",
						"globalval.network.sent", "globalval.network.received", "globalval.workers", "globalval.keys",
						"globalval.revision", "globalval.resyncs", "globalval.frames.rejected",
						"globalval.snapshots.applied", "globalval.queue.commands", "globalval.queue.events",
						"globalval.changes.discarded", "globalval.writes.pending", "globalval.writes.waited");
			assertThat(registry.get("globalval.keys").tag("name", OtherNodes.NAME).gauge().value()).isZero();
			// the master's timers queue a command now and then (write timeouts every 10-100 ms):
			// the queues are empty once they are idle, not at every instant
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(registry.get("globalval.queue.commands").gauge().value()).isZero();
				assertThat(registry.get("globalval.queue.events").gauge().value()).isZero();
			});
		});
	}

	@Test
	void metersFollowTheNode() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
			template.set("a", 1).join();
			template.set("b", 2).join();
			assertThat(registry.get("globalval.changes.sent").functionCounter().count()).isEqualTo(2);
			assertThat(registry.get("globalval.changes.applied").functionCounter().count()).isEqualTo(2);
			assertThat(registry.get("globalval.keys").gauge().value()).isEqualTo(2);
			assertThat(registry.get("globalval.revision").gauge().value()).isEqualTo(2);
			Timer propagation = registry.get("globalval.propagation").timer();
			assertThat(propagation.count()).isEqualTo(2);
		});
	}

	@Test
	void masterHasGaugesPerConnectedWorker() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			GlobalValNode worker = this.others.worker("worker-a");
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(registry.find("globalval.worker.revisions.behind")
					.tag("worker", "worker-a")
					.gauge()).isNotNull());
			assertThat(registry.get("globalval.worker.lag").tag("worker", "worker-a").gauge().value())
				.isNotNegative();
			assertThat(registry.get("globalval.workers").gauge().value()).isEqualTo(1);
			worker.close();
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(registry.find("globalval.worker.revisions.behind")
					.tag("worker", "worker-a")
					.gauge()).isNull());
		});
	}

	@Test
	void prometheusNamesCarryTheirUnitOnce() {
		this.contextRunner
			.withBean(PrometheusMeterRegistry.class, () -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
			.run((context) -> {
				PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
				this.others.worker("worker-a");
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(
							registry.find("globalval.worker.lag").tag("worker", "worker-a").gauge())
						.isNotNull());
				context.getBean(GlobalValTemplate.class).set("a", 1).join();
				String scrape = registry.scrape();
				assertThat(scrape).contains("globalval_network_sent_bytes_total{",
						"globalval_network_received_bytes_total{", "globalval_changes_sent_total{",
						"globalval_changes_applied_total{", "globalval_resyncs_total{",
						"globalval_snapshots_applied_total{", "globalval_frames_rejected_total{",
						"globalval_changes_discarded_total{", "globalval_keys{", "globalval_revision{",
						"globalval_workers{", "globalval_queue_commands{", "globalval_queue_events{",
						"globalval_writes_pending{", "globalval_writes_waited_total{",
						"globalval_propagation_seconds_count{", "globalval_worker_revisions_behind{",
						"globalval_worker_lag_seconds{");
				List<String> names = scrape.lines()
					.filter((line) -> line.startsWith("globalval_"))
					.map((line) -> line.substring(0, line.indexOf('{')))
					.toList();
				assertThat(names).isNotEmpty()
					.noneMatch((name) -> DOUBLED_UNIT.matcher(name).find())
					.noneMatch((name) -> name.contains("bytes_sent") || name.contains("bytes_received"));
			});
	}

	@Test
	void noMetersWithoutAMeterRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(GlobalValAutoConfiguration.class, GlobalValMetricsAutoConfiguration.class))
			.withPropertyValues("globalval.name=" + OtherNodes.NAME, "globalval.uds.directory=" + this.directory)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(GlobalValMetrics.class));
	}

	@Test
	void noMetersWithoutMicrometer() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(GlobalValAutoConfiguration.class, GlobalValMetricsAutoConfiguration.class))
			.withPropertyValues("globalval.name=" + OtherNodes.NAME, "globalval.uds.directory=" + this.directory)
			.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(GlobalValTemplate.class)
				.doesNotHaveBean(GlobalValMetrics.class));
	}

	@Test
	void noMetersWhenGlobalValIsDisabled() {
		this.contextRunner.withPropertyValues("globalval.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(MeterRegistry.class)
				.doesNotHaveBean(GlobalValMetrics.class));
	}

}
