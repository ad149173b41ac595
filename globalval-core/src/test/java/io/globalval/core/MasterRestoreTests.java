package io.globalval.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of what a master restores from its persistence directory when it takes over: a
 * worker's replica that the stored log extends gets only the stored changes after its
 * revision (no snapshot over it, no events replayed for revisions it had); a stored log
 * that parts from the replica's history replaces it, and the replica's own changes are
 * reported as discarded.
 */
class MasterRestoreTests {

	private static final long EPOCH = 4;

	private final ManualRuntime runtime = new ManualRuntime(500);

	private final ManualRuntime.MemoryDisk disk = new ManualRuntime.MemoryDisk();

	private final NodeSettings settings = NodeSettings.builder()
		.name("test")
		.nodeName("master")
		.directory(Path.of("/nonexistent/globalval-test"))
		.persistence(Persistence.in(Path.of("/nonexistent/data"), Persistence.Fsync.ALWAYS))
		.build();

	private final NodeState state = new NodeState(this.settings,
			new ValueCodec(JsonMapper.builder().build(), this.settings.maxValueSize()), this.runtime.useDisk(this.disk));

	private final List<String> heard = new ArrayList<>();

	private MasterRole master;

	@AfterEach
	void close() {
		if (this.master != null) {
			this.master.close();
		}
	}

	@Test
	void takeOverWithPersistenceAppliesOnlyTheStoredChangesAfterTheReplicasRevision() throws Exception {
		store(change(1, 2, "a", "1"), change(2, 2, "b", "2"), change(3, 3, "c", "3"), change(4, 3, "a", "4"));
		// as a worker, this node applied revisions 1 and 2 (epoch 2), then its master died
		asWorker(change(1, 2, "a", "1"), change(2, 2, "b", "2"));
		this.master = new MasterRole(this.state, this.runtime.tryLock(this.settings), EPOCH + 1);
		this.runtime.runAll();
		assertThat(this.state.replica.revision()).isEqualTo(4);
		assertThat(this.state.replica.entry("a").json()).isEqualTo(json("4"));
		assertThat(this.heard).containsExactly("change 1 a", "change 2 b", "change 3 c", "change 4 a");
		assertThat(this.state.metrics.snapshotsApplied()).isZero();
		assertThat(this.disk.forces()).isPositive();
	}

	@Test
	void aStoredLogThatPartsFromTheReplicasReplacesItAndTheReplicasChangesAreReported() throws Exception {
		// the store went on from revision 2 in epoch 3; this node had a revision 3 of epoch 2 nobody kept
		store(change(1, 2, "a", "1"), change(2, 2, "b", "2"), change(3, 3, "c", "3"), change(4, 3, "d", "4"));
		asWorker(change(1, 2, "a", "1"), change(2, 2, "b", "2"), change(3, 2, "lost", "9"));
		this.master = new MasterRole(this.state, this.runtime.tryLock(this.settings), EPOCH + 1);
		this.runtime.runAll();
		assertThat(this.state.replica.revision()).isEqualTo(4);
		assertThat(this.state.replica.entry("lost")).isNull();
		assertThat(this.state.metrics.changesDiscarded()).isEqualTo(1);
		assertThat(this.heard).contains("discarded 3..3");
	}

	private void store(Message.Applied... changes) throws Exception {
		try (ChangeStore store = new ChangeStore(this.disk, this.settings.persistence(), this.settings.maxFrameSize())) {
			store.load();
			for (Message.Applied change : changes) {
				store.append(FrameCodec.encode(change));
			}
			store.sync();
		}
	}

	private void asWorker(Message.Applied... changes) {
		this.state.replica.markReady();
		this.state.addListener(new ChangeListener() {

			@Override
			public void onChange(ChangeEvent event) {
				MasterRestoreTests.this.heard.add("change " + event.revision() + " " + event.key());
			}

			@Override
			public void onSnapshot(long revision, int keys) {
				MasterRestoreTests.this.heard.add("snapshot " + revision);
			}

			@Override
			public void onDiscarded(DiscardedChanges discarded) {
				MasterRestoreTests.this.heard.add("discarded " + (discarded.keptRevision() + 1) + ".."
						+ discarded.lastRevision());
			}

		});
		for (Message.Applied change : changes) {
			this.state.applyChange(change.key(), change.value(), change.revision(), change.epoch(), change.origin(),
					change.seq(), 0, null);
		}
	}

	private static Message.Applied change(long revision, long epoch, String key, String json) {
		return new Message.Applied(revision, epoch, key, json(json), 7, revision, 0);
	}

	private static byte[] json(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

}
