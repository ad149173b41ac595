package io.globalval.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.GlobalValConnectionException;
import io.globalval.GlobalValException;
import io.globalval.GlobalValNodes;
import io.globalval.GlobalValNotReadyException;
import io.globalval.GlobalValRejectedException;
import io.globalval.GlobalValTemplate;
import io.globalval.GlobalValTimeoutException;
import io.globalval.Role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * A master and workers in one JVM, on a real socket: the replication logic without the
 * cost of starting processes.
 */
class InProcessReplicationTests {

	@TempDir
	Path directory;

	private final List<GlobalValNode> nodes = new ArrayList<>();

	@AfterEach
	void closeNodes() {
		nodes.forEach(GlobalValNode::close);
	}

	private GlobalValTemplate start(RolePreference role) throws Exception {
		NodeSettings settings = NodeSettings.builder()
			.name("test")
			.directory(this.directory)
			.role(role)
			.writeTimeout(Duration.ofSeconds(5))
			.build();
		GlobalValNode node = GlobalValNodes.start(settings);
		this.nodes.add(node);
		node.ready().get(10, TimeUnit.SECONDS);
		return new GlobalValTemplate(node);
	}

	@Test
	void firstNodeIsMasterAndOthersAreWorkers() throws Exception {
		GlobalValTemplate master = start(RolePreference.AUTO);
		GlobalValTemplate worker = start(RolePreference.AUTO);
		assertThat(master.role()).isEqualTo(Role.MASTER);
		assertThat(worker.role()).isEqualTo(Role.WORKER);
	}

	@Test
	void listenersHearOfEveryChangeOfTheConnection() throws Exception {
		NodeSettings.Builder settings = NodeSettings.builder().name("test").directory(this.directory);
		List<Boolean> masterConnection = new CopyOnWriteArrayList<>();
		List<Boolean> workerConnection = new CopyOnWriteArrayList<>();
		GlobalValNode master = GlobalValNodes.builder(settings.role(RolePreference.MASTER).build())
			.listener(new ConnectionRecorder(masterConnection))
			.start();
		this.nodes.add(master);
		// role worker: it does not take over, so it stays cut off when its master goes
		GlobalValNode worker = GlobalValNodes.builder(settings.role(RolePreference.WORKER).build())
			.listener(new ConnectionRecorder(workerConnection))
			.start();
		this.nodes.add(worker);
		worker.ready().get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(masterConnection).containsExactly(true);
			assertThat(workerConnection).containsExactly(true);
		});
		master.close();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(workerConnection).containsExactly(true, false));
		assertThat(worker.isConnected()).isFalse();
		GlobalValNode next = GlobalValNodes.start(settings.role(RolePreference.MASTER).build());
		this.nodes.add(next);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(workerConnection).containsExactly(true, false, true));
		assertThat(worker.sequencerAddress()).isEqualTo(this.directory.resolve("master.sock").toString());
	}

	/** Records what a node reports of its connection, in order. */
	private record ConnectionRecorder(List<Boolean> states) implements ChangeListener {

		@Override
		public void onChange(ChangeEvent event) {
		}

		@Override
		public void onConnectionChanged(boolean connected) {
			this.states.add(connected);
		}

	}

	@Test
	void setInWorkerIsSeenByMasterAndOtherWorkers() throws Exception {
		GlobalValTemplate master = start(RolePreference.AUTO);
		GlobalValTemplate one = start(RolePreference.WORKER);
		GlobalValTemplate two = start(RolePreference.WORKER);
		long revision = one.set("greeting", Map.of("text", "hello")).get(5, TimeUnit.SECONDS);
		assertThat(one.get("greeting")).isEqualTo(Map.of("text", "hello"));
		assertThat(two.awaitRevision(revision).get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(revision);
		assertThat(two.get("greeting")).isEqualTo(Map.of("text", "hello"));
		assertThat(master.get("greeting")).isEqualTo(Map.of("text", "hello"));
		assertThat(master.revision()).isEqualTo(revision);
	}

	@Test
	void setInMasterIsSeenByWorkers() throws Exception {
		GlobalValTemplate master = start(RolePreference.MASTER);
		GlobalValTemplate worker = start(RolePreference.WORKER);
		long revision = master.set("n", 42).get(5, TimeUnit.SECONDS);
		worker.awaitRevision(revision).get(5, TimeUnit.SECONDS);
		assertThat(worker.get("n", Integer.class)).isEqualTo(42);
	}

	@Test
	void joiningWorkerGetsExistingValues() throws Exception {
		GlobalValTemplate master = start(RolePreference.MASTER);
		List<CompletableFuture<Long>> writes = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			writes.add(master.set("k" + i, "v" + i));
		}
		CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		GlobalValTemplate worker = start(RolePreference.WORKER);
		assertThat(worker.entries()).hasSize(10_000).containsEntry("k9999", "v9999");
		assertThat(worker.revision()).isEqualTo(10_000);
	}

	@Test
	void deleteCompareAndSetAndIncrementWorkThroughTheMaster() throws Exception {
		start(RolePreference.MASTER);
		GlobalValTemplate worker = start(RolePreference.WORKER);
		assertThat(worker.delete("absent").get(5, TimeUnit.SECONDS)).isFalse();
		assertThat(worker.compareAndSet("flag", null, "on").get(5, TimeUnit.SECONDS)).isTrue();
		assertThat(worker.compareAndSet("flag", null, "again").get(5, TimeUnit.SECONDS)).isFalse();
		assertThat(worker.compareAndSet("flag", "on", "off").get(5, TimeUnit.SECONDS)).isTrue();
		assertThat(worker.get("flag")).isEqualTo("off");
		assertThat(worker.increment("counter", 5).get(5, TimeUnit.SECONDS)).isEqualTo(5);
		assertThat(worker.increment("counter", -2).get(5, TimeUnit.SECONDS)).isEqualTo(3);
		assertThat(worker.get("counter")).isEqualTo(3);
		assertThat(worker.delete("flag").get(5, TimeUnit.SECONDS)).isTrue();
		assertThat(worker.get("flag")).isNull();
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> worker.increment("counter-text", 1)
			.thenCompose((ignored) -> worker.set("text", "x"))
			.thenCompose((ignored) -> worker.increment("text", 1))
			.get(5, TimeUnit.SECONDS)).withCauseInstanceOf(GlobalValRejectedException.class);
	}

	@Test
	void broadcastCompletesWhenEveryWorkerHasTheState() throws Exception {
		GlobalValTemplate master = start(RolePreference.MASTER);
		GlobalValTemplate worker = start(RolePreference.WORKER);
		List<Long> snapshots = new CopyOnWriteArrayList<>();
		((GlobalValNode) worker.getNode()).addListener(new ChangeListener() {
			@Override
			public void onChange(ChangeEvent event) {
			}

			@Override
			public void onSnapshot(long revision, int keys) {
				snapshots.add(revision);
			}
		});
		master.set("a", 1).get(5, TimeUnit.SECONDS);
		worker.broadcast().get(5, TimeUnit.SECONDS);
		master.broadcast().get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(snapshots).hasSize(2));
	}

	@Test
	void badInputIsRefusedBeforeAnythingIsSent() throws Exception {
		start(RolePreference.MASTER);
		GlobalValTemplate worker = start(RolePreference.WORKER);
		assertThatIllegalArgumentException().isThrownBy(() -> worker.set("k", null)).withMessageContaining("delete");
		assertThatIllegalArgumentException().isThrownBy(() -> worker.set("", 1)).withMessageContaining("empty");
		assertThatIllegalArgumentException().isThrownBy(() -> worker.set("x".repeat(300), 1))
			.withMessageContaining("max-key-length");
		assertThatIllegalArgumentException().isThrownBy(() -> worker.set("big", "x".repeat(2 * 1024 * 1024)))
			.withMessageContaining("max-value-size");
		assertThatIllegalArgumentException().isThrownBy(() -> worker.set("self", new Unwritable()))
			.withMessageContaining("cannot be written as JSON");
		assertThat(worker.getNode().metrics().writesSent()).isZero();
	}

	@Test
	void workerIsNotReadyBeforeItsFirstSnapshot() {
		NodeSettings settings = NodeSettings.builder().name("lonely").directory(this.directory)
			.role(RolePreference.WORKER).build();
		GlobalValNode node = GlobalValNodes.start(settings);
		this.nodes.add(node);
		GlobalValTemplate worker = new GlobalValTemplate(node);
		assertThat(worker.isReady()).isFalse();
		assertThatExceptionOfType(GlobalValNotReadyException.class).isThrownBy(() -> worker.get("k"));
	}

	@Test
	void workerOfAnotherApplicationIsRefusedOnBothSides() throws Exception {
		GlobalValTemplate master = start(RolePreference.MASTER);
		NodeSettings settings = NodeSettings.builder().name("other").directory(this.directory)
			.role(RolePreference.WORKER).build();
		GlobalValNode stranger = GlobalValNodes.start(settings);
		this.nodes.add(stranger);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> stranger.ready().get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(GlobalValConnectionException.class)
			.withMessageContaining("Application mismatch")
			.withMessageContaining("'other'");
		assertThat(master.getNode().metrics().framesRejected()).isEqualTo(1);
		assertThat(master.getNode().workers()).isEmpty();
	}

	@Test
	void writeThatCannotReachTheMasterFailsAfterTheWriteTimeout() {
		NodeSettings settings = NodeSettings.builder().name("alone").directory(this.directory)
			.role(RolePreference.WORKER).writeTimeout(Duration.ofMillis(200)).build();
		GlobalValNode node = GlobalValNodes.start(settings);
		this.nodes.add(node);
		CompletableFuture<Long> write = new GlobalValTemplate(node).set("k", "v");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> write.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(GlobalValTimeoutException.class)
			.withMessageContaining("was not sent")
			.withMessageContaining("globalval.write-timeout");
	}

	@Test
	void everyWriteOfABacklogFailsAfterTheWriteTimeout() throws Exception {
		start(RolePreference.MASTER);
		NodeSettings settings = NodeSettings.builder().name("test").directory(this.directory)
			.role(RolePreference.WORKER).writeTimeout(Duration.ofMillis(300)).build();
		GlobalValNode node = GlobalValNodes.start(settings);
		this.nodes.add(node);
		node.ready().get(10, TimeUnit.SECONDS);
		GlobalValTemplate worker = new GlobalValTemplate(node);
		worker.set("answered", 1).get(10, TimeUnit.SECONDS);
		this.nodes.get(0).close();
		List<CompletableFuture<Long>> writes = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			writes.add(worker.set("k" + i, i));
		}
		for (CompletableFuture<Long> write : writes) {
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> write.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(GlobalValException.class);
		}
	}

	@Test
	void readYourWritesHoldsForEveryWriteKind() throws Exception {
		start(RolePreference.MASTER);
		GlobalValTemplate worker = start(RolePreference.WORKER);
		for (int i = 0; i < 100; i++) {
			worker.set("ryw", i).get(5, TimeUnit.SECONDS);
			assertThat(worker.get("ryw")).isEqualTo(i);
			long incremented = worker.increment("ryw-counter", 1).get(5, TimeUnit.SECONDS);
			assertThat(worker.get("ryw-counter", Long.class)).isEqualTo(incremented);
		}
	}

	@Test
	void listenersSeeEveryChangeInRevisionOrder() throws Exception {
		GlobalValTemplate master = start(RolePreference.MASTER);
		GlobalValTemplate worker = start(RolePreference.WORKER);
		List<Long> revisions = new CopyOnWriteArrayList<>();
		worker.getNode().addListener((event) -> revisions.add(event.revision()));
		List<CompletableFuture<Long>> writes = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			writes.add(((i % 2 == 0) ? master : worker).set("ordered-" + (i % 7), i));
		}
		CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(revisions).hasSize(500));
		assertThat(revisions).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void everyWriteOfManyThreadsOfOneProcessIsAppliedOnce() throws Exception {
		GlobalValTemplate master = start(RolePreference.MASTER);
		GlobalValTemplate worker = start(RolePreference.WORKER);
		int threads = 4;
		int perThread = 20_000;
		Queue<CompletableFuture<Long>> writes = new ConcurrentLinkedQueue<>();
		List<Thread> writers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int id = t;
			Thread writer = new Thread(() -> {
				for (int i = 0; i < perThread; i++) {
					// two threads on the worker, two on the master
					writes.add(((id % 2 == 0) ? worker : master).set("thread-" + id + "-" + (i % 100), i));
				}
			});
			writer.start();
			writers.add(writer);
		}
		for (Thread writer : writers) {
			writer.join(30_000);
		}
		CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		assertThat(writes).hasSize(threads * perThread);
		assertThat(master.revision()).isEqualTo(threads * perThread);
		assertThat(worker.awaitRevision(threads * perThread).get(10, TimeUnit.SECONDS)).isEqualTo(threads * perThread);
	}

	@Test
	void aWriteBeyondMaxPendingWritesWaitsForRoomInItsCallersThread() throws Exception {
		NodeSettings.Builder settings = NodeSettings.builder()
			.name("test")
			.directory(this.directory)
			.writeTimeout(Duration.ofSeconds(5))
			.maxPendingWrites(1);
		GlobalValNode master = GlobalValNodes.start(settings.role(RolePreference.MASTER).build());
		this.nodes.add(master);
		// role worker: it does not take over, so its writes wait while the master is gone
		GlobalValNode node = GlobalValNodes.start(settings.role(RolePreference.WORKER).build());
		this.nodes.add(node);
		node.ready().get(10, TimeUnit.SECONDS);
		GlobalValTemplate worker = new GlobalValTemplate(node);
		master.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> !node.isConnected());
		CompletableFuture<Long> first = worker.set("waiting", 1);
		CompletableFuture<CompletableFuture<Long>> second = new CompletableFuture<>();
		Thread writer = new Thread(() -> second.complete(worker.set("beyond", 2)));
		writer.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> writer.getState() == Thread.State.TIMED_WAITING);
			assertThat(second).isNotDone();
			writer.interrupt();
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> second.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS))
				.havingCause()
				.withMessage("set('beyond') was not sent: interrupted while waiting for room among the pending writes");
		}
		finally {
			writer.interrupt();
			writer.join(10_000);
		}
		// a master again: the waiting write goes through, and so do later ones
		this.nodes.add(GlobalValNodes.start(settings.role(RolePreference.MASTER).build()));
		assertThat(first.get(10, TimeUnit.SECONDS)).isPositive();
		assertThat(worker.set("after", 3).get(5, TimeUnit.SECONDS)).isPositive();
	}

	@Test
	void threadsWritingThroughASmallWindowAllGetThroughAndChainedWritesDoNotWaitForThemselves() throws Exception {
		GlobalValNode master = GlobalValNodes.start(NodeSettings.builder()
			.name("test")
			.directory(this.directory)
			.role(RolePreference.MASTER)
			.build());
		this.nodes.add(master);
		GlobalValNode node = GlobalValNodes.start(NodeSettings.builder()
			.name("test")
			.directory(this.directory)
			.role(RolePreference.WORKER)
			.writeTimeout(Duration.ofSeconds(10))
			.maxPendingWrites(4)
			.build());
		this.nodes.add(node);
		node.ready().get(10, TimeUnit.SECONDS);
		GlobalValTemplate worker = new GlobalValTemplate(node);
		Queue<CompletableFuture<?>> writes = new ConcurrentLinkedQueue<>();
		List<Thread> writers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			int id = t;
			Thread writer = new Thread(() -> {
				for (int i = 0; i < 2_000; i++) {
					int value = i;
					// the second write is made where the first's answer completes it: the reader thread
					writes.add(worker.set("small-" + id, value)
						.thenCompose((revision) -> worker.set("chained-" + id, value)));
				}
			});
			writer.start();
			writers.add(writer);
		}
		for (Thread writer : writers) {
			writer.join(30_000);
		}
		CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		assertThat(worker.revision()).isEqualTo(16_000);
	}

	static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("cannot be read");
		}

	}

}
