package io.globalval.transport.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.GlobalValNodes;
import io.globalval.GlobalValTemplate;
import io.globalval.Role;
import io.globalval.core.ChangeEvent;
import io.globalval.core.ChangeListener;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.RolePreference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link LocalTransport} and {@link GlobalValNodes.Builder#local()}: a node
 * alone in its process.
 */
class LocalTransportTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path temp;

	private final List<GlobalValNode> nodes = new ArrayList<>();

	@AfterEach
	void closeNodes() {
		this.nodes.forEach(GlobalValNode::close);
	}

	private NodeSettings settings(RolePreference role) {
		return NodeSettings.builder().name("orders").directory(this.temp.resolve("group")).role(role).build();
	}

	private GlobalValNode start(GlobalValNodes.Builder builder) {
		GlobalValNode node = builder.start();
		this.nodes.add(node);
		return node;
	}

	@Test
	void localNodeIsAReadyMasterAndCreatesNoDirectoryLockOrSocket() {
		GlobalValNode node = start(GlobalValNodes.builder(settings(RolePreference.AUTO)).local());
		assertThat(node.role()).isEqualTo(Role.MASTER);
		assertThat(node.ready()).isCompleted();
		assertThat(node.isConnected()).isTrue();
		assertThat(node.sequencerAddress()).isEqualTo("local:orders");
		new GlobalValTemplate(node).set("a", 1).join();
		assertThat(this.temp.resolve("group")).doesNotExist();
		assertThat(this.temp).isEmptyDirectory();
	}

	@Test
	void writesAreSequencedWithRevisionsAndEventsInOrder() {
		List<ChangeEvent> events = new CopyOnWriteArrayList<>();
		ChangeListener listener = events::add;
		GlobalValTemplate globalVals = new GlobalValTemplate(
				start(GlobalValNodes.builder(settings(RolePreference.AUTO)).local().listener(listener)));
		assertThat(globalVals.set("greeting", "hi").join()).isEqualTo(1);
		assertThat(globalVals.increment("count", 5).join()).isEqualTo(5);
		assertThat(globalVals.compareAndSet("greeting", "hi", "hello").join()).isTrue();
		assertThat(globalVals.compareAndSet("greeting", "hi", "hey").join()).isFalse();
		assertThat(globalVals.delete("count").join()).isTrue();
		assertThat(globalVals.get("greeting")).isEqualTo("hello");
		assertThat(globalVals.get("count")).isNull();
		assertThat(globalVals.revision()).isEqualTo(4);
		assertThat(globalVals.awaitRevision(4)).isCompletedWithValue(4L);
		await().atMost(WAIT).untilAsserted(() -> assertThat(events).extracting(ChangeEvent::revision)
			.containsExactly(1L, 2L, 3L, 4L));
		assertThat(events).extracting(ChangeEvent::key).containsExactly("greeting", "count", "greeting", "count");
	}

	@Test
	void localNodesOfOneNameShareNothing() throws Exception {
		GlobalValTemplate first = new GlobalValTemplate(start(GlobalValNodes.builder(settings(RolePreference.MASTER)).local()));
		GlobalValTemplate second = new GlobalValTemplate(
				start(GlobalValNodes.builder(settings(RolePreference.MASTER)).transport(new LocalTransport())));
		first.set("greeting", "from the first").join();
		assertThat(second.role()).isEqualTo(Role.MASTER);
		assertThat(second.get("greeting")).isNull();
		assertThat(this.temp).isEmptyDirectory();
	}

	@Test
	void localMasterStartsBesideARunningGroupWithoutJoiningIt() throws Exception {
		GlobalValNode socketMaster = start(GlobalValNodes.builder(settings(RolePreference.MASTER)));
		new GlobalValTemplate(socketMaster).set("greeting", "from the group").join();
		GlobalValNode local = start(GlobalValNodes.builder(settings(RolePreference.MASTER)).local());
		local.ready().get(10, TimeUnit.SECONDS);
		assertThat(local.role()).isEqualTo(Role.MASTER);
		assertThat(local.replica().revision()).isZero();
		assertThat(socketMaster.workers()).isEmpty();
	}

	@Test
	void roleWorkerIsRefusedWithAClearMessage() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> start(GlobalValNodes.builder(settings(RolePreference.WORKER)).local()))
			.withMessage("Role worker needs a master in another process, but the local transport keeps 'orders' in "
					+ "this process only; use role auto or master, or another transport");
		assertThat(this.temp).isEmptyDirectory();
	}

}
