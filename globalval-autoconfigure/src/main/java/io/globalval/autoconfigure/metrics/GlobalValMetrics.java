package io.globalval.autoconfigure.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeMetrics;
import io.globalval.core.WorkerStatus;

/**
 * Micrometer meters of a globalval node, all named {@code globalval.*} and tagged with the
 * application's {@code name}. Counters and gauges read the node's own counters when a
 * registry asks, so they cost replication nothing; the propagation timer records each
 * change a node applies that was written on this host.
 * <p>
 * The queue gauges ({@code globalval.queue.commands}, {@code globalval.queue.events})
 * show what waits for the master's sequencer and for the process's listeners.
 * <p>
 * The per-worker gauges ({@code globalval.worker.revisions.behind} and
 * {@code globalval.worker.lag} in seconds, each a {@link MultiGauge} with a row per
 * {@code worker}, tagged by the worker's node name) exist on the master for each
 * connected worker; they show the worker's last report and their rows follow the workers
 * every {@code globalval.ping-interval}.
 */
public class GlobalValMetrics implements MeterBinder, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GlobalValMetrics.class);

	private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

	private final GlobalValNode node;

	private final Tags tags;

	private final List<Timer> propagationTimers = new CopyOnWriteArrayList<>();

	private final List<WorkerGauges> workerGauges = new CopyOnWriteArrayList<>();

	private volatile Map<String, WorkerStatus> workers = Map.of();

	private ScheduledExecutorService refresher;

	/**
	 * Create meters of a node.
	 * @param node the node
	 */
	public GlobalValMetrics(GlobalValNode node) {
		this(node, Tags.empty());
	}

	/**
	 * Create meters of a node with extra tags.
	 * @param node the node
	 * @param tags tags added to every meter
	 */
	public GlobalValMetrics(GlobalValNode node, Iterable<Tag> tags) {
		this.node = node;
		this.tags = Tags.of("name", node.settings().name()).and(tags);
	}

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		NodeMetrics metrics = this.node.metrics();
		counter(registry, "globalval.changes.sent", "Writes this process submitted", null, metrics,
				NodeMetrics::writesSent);
		counter(registry, "globalval.changes.applied", "Changes applied to this process's replica", null, metrics,
				NodeMetrics::changesApplied);
		counter(registry, "globalval.network.sent", "Bytes written to this process's connections", BaseUnits.BYTES,
				metrics, NodeMetrics::bytesSent);
		counter(registry, "globalval.network.received", "Bytes read from this process's connections", BaseUnits.BYTES,
				metrics, NodeMetrics::bytesReceived);
		counter(registry, "globalval.resyncs", "Resyncs: gaps, and reconnects answered with a snapshot", null, metrics,
				NodeMetrics::resyncs);
		counter(registry, "globalval.snapshots.applied", "Snapshots that replaced this process's replica", null,
				metrics, NodeMetrics::snapshotsApplied);
		counter(registry, "globalval.frames.rejected", "Frames or connections refused as invalid", null, metrics,
				NodeMetrics::framesRejected);
		counter(registry, "globalval.changes.discarded",
				"Changes this process had applied that the group's history does not keep (reported, then replaced)", null,
				metrics, NodeMetrics::changesDiscarded);
		counter(registry, "globalval.writes.waited",
				"Writes that waited for room among this process's pending writes (globalval.max-pending-writes)", null,
				metrics, NodeMetrics::writesWaited);
		gauge(registry, "globalval.keys", "Keys in this process's replica", (node) -> node.replica().size());
		gauge(registry, "globalval.revision", "Last revision applied in this process",
				(node) -> node.replica().revision());
		gauge(registry, "globalval.workers", "Workers connected to this master", (node) -> node.workers().size());
		Gauge.builder("globalval.queue.commands", metrics, NodeMetrics::commandsQueued)
			.description("Commands waiting for this master's sequencer (bounded: submitters wait when it is full)")
			.tags(this.tags)
			.register(registry);
		Gauge.builder("globalval.writes.pending", metrics, NodeMetrics::writesPending)
			.description("Writes of this process waiting for their answer (a worker's are bounded by "
					+ "globalval.max-pending-writes)")
			.tags(this.tags)
			.register(registry);
		Gauge.builder("globalval.queue.events", metrics, NodeMetrics::eventsQueued)
			.description("Change events waiting for this process's listeners (unbounded: a slow listener shows here)")
			.tags(this.tags)
			.register(registry);
		Timer propagation = Timer.builder("globalval.propagation")
			.description("Time from a write at its origin to its application in this process (same host only)")
			.tags(this.tags)
			.register(registry);
		this.propagationTimers.add(propagation);
		// one hook per node: it feeds the timer of every registry this is bound to
		metrics.onPropagation((nanos) -> this.propagationTimers.forEach((timer) -> timer.record(nanos,
				TimeUnit.NANOSECONDS)));
		this.workerGauges.add(workerGauges(registry));
		refreshWorkers();
		startRefreshing();
	}

	/**
	 * Register the per-worker gauges of the workers connected now and remove those of
	 * workers that left.
	 */
	public synchronized void refreshWorkers() {
		Map<String, WorkerStatus> current = new HashMap<>();
		for (WorkerStatus worker : this.node.workers()) {
			current.put(worker.name(), worker);
		}
		this.workers = current;
		List<MultiGauge.Row<?>> behind = new ArrayList<>(current.size());
		List<MultiGauge.Row<?>> lag = new ArrayList<>(current.size());
		for (String worker : current.keySet()) {
			Tags workerTags = Tags.of("worker", worker);
			behind.add(MultiGauge.Row.of(workerTags, this,
					(metrics) -> metrics.worker(worker, WorkerStatus::revisionsBehind)));
			lag.add(MultiGauge.Row.of(workerTags, this,
					(metrics) -> metrics.worker(worker, WorkerStatus::lagNanos) / NANOS_PER_SECOND));
		}
		this.workerGauges.forEach((gauges) -> {
			gauges.behind().register(behind, true);
			gauges.lag().register(lag, true);
		});
	}

	private WorkerGauges workerGauges(MeterRegistry registry) {
		MultiGauge behind = MultiGauge.builder("globalval.worker.revisions.behind")
			.description("Revisions a worker was behind the master at its last report")
			.tags(this.tags)
			.register(registry);
		MultiGauge lag = MultiGauge.builder("globalval.worker.lag")
			.description("Round trip of the master's last probe of a worker")
			.baseUnit("seconds")
			.tags(this.tags)
			.register(registry);
		return new WorkerGauges(behind, lag);
	}

	private double worker(String name, ToLongFunction<WorkerStatus> value) {
		WorkerStatus status = this.workers.get(name);
		return (status != null) ? value.applyAsLong(status) : Double.NaN;
	}

	private synchronized void startRefreshing() {
		if (this.refresher != null) {
			return;
		}
		String name = this.node.settings().name();
		this.refresher = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "globalval-metrics-" + name);
			thread.setDaemon(true);
			return thread;
		});
		long interval = Math.max(1, this.node.settings().pingInterval().toMillis());
		this.refresher.scheduleWithFixedDelay(this::refreshSafely, interval, interval, TimeUnit.MILLISECONDS);
	}

	private void refreshSafely() {
		try {
			refreshWorkers();
		}
		catch (RuntimeException ex) {
			// a failing refresh must not cancel the schedule
			logger.warn("Refreshing the globalval worker gauges failed", ex);
		}
	}

	/**
	 * Stop refreshing the per-worker gauges and recording propagation times.
	 */
	@Override
	public synchronized void close() {
		this.node.metrics().onPropagation((nanos) -> {
		});
		if (this.refresher != null) {
			this.refresher.shutdownNow();
			this.refresher = null;
		}
	}

	private void counter(MeterRegistry registry, String name, String description, String baseUnit,
			NodeMetrics metrics, ToDoubleFunction<NodeMetrics> count) {
		FunctionCounter.builder(name, metrics, count)
			.description(description)
			.baseUnit(baseUnit)
			.tags(this.tags)
			.register(registry);
	}

	private void gauge(MeterRegistry registry, String name, String description,
			ToDoubleFunction<GlobalValNode> value) {
		Gauge.builder(name, this.node, value).description(description).tags(this.tags).register(registry);
	}

	private record WorkerGauges(MultiGauge behind, MultiGauge lag) {
	}

}
