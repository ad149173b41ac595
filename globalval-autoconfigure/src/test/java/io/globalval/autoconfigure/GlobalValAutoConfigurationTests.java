package io.globalval.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.globalval.GlobalValConnectionException;
import io.globalval.GlobalValException;
import io.globalval.GlobalValNodes;
import io.globalval.GlobalValTemplate;
import io.globalval.Role;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.RolePreference;
import io.globalval.event.GlobalValChangedEvent;
import io.globalval.event.GlobalValRoleEvent;
import io.globalval.event.GlobalValSnapshotEvent;
import io.globalval.transport.tcp.TcpTransport;
import io.globalval.transport.tcp.TcpTransportSettings;
import io.globalval.transport.uds.UdsTransport;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GlobalValAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class GlobalValAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path directory;

	private OtherNodes others;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.others = new OtherNodes(this.directory);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class))
			.withPropertyValues("globalval.name=" + OtherNodes.NAME, "globalval.uds.directory=" + this.directory);
	}

	@AfterEach
	void closeOthers() {
		this.others.close();
	}

	@Test
	void defaultBeansAreCreatedAndTheFirstProcessIsMaster() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GlobalValProperties.class)
				.hasSingleBean(GlobalValNode.class)
				.hasSingleBean(GlobalValTemplate.class)
				.hasSingleBean(GlobalValLifecycle.class)
				.hasSingleBean(GlobalValConnectionMonitor.class);
			assertThat(context.getBean(GlobalValTemplate.class).role()).isEqualTo(Role.MASTER);
			assertThat(context.getBean(GlobalValLifecycle.class).isRunning()).isTrue();
			assertThat(this.directory.resolve(UdsTransport.SOCKET_FILE)).exists();
		});
	}

	@Test
	void backsOffForTheApplicationsOwnTemplate() {
		this.contextRunner.withUserConfiguration(OwnTemplateConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(GlobalValTemplate.class);
			assertThat(context).hasBean("ownTemplate").doesNotHaveBean("globalValTemplate");
		});
	}

	@Test
	void theApplicationsOwnNodeIsManagedAndPublishesEvents() {
		this.contextRunner.withBean(RecordingListener.class)
			.withBean("ownNode", GlobalValNode.class, () -> GlobalValNodes.start(NodeSettings.builder()
				.name(OtherNodes.NAME)
				.directory(this.directory)
				.build()))
			.run((context) -> {
				assertThat(context).hasSingleBean(GlobalValNode.class).doesNotHaveBean("globalValNode");
				assertThat(context.getBean(GlobalValLifecycle.class).isRunning()).isTrue();
				context.getBean(GlobalValTemplate.class).set("greeting", "hi").join();
				RecordingListener listener = context.getBean(RecordingListener.class);
				await().atMost(WAIT).untilAsserted(() -> assertThat(listener.greetings).hasSize(1));
			});
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("globalval.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(GlobalValNode.class)
				.doesNotHaveBean(GlobalValTemplate.class)
				.doesNotHaveBean(GlobalValProperties.class);
			assertThat(this.directory.resolve(NodeSettings.LOCK_FILE)).doesNotExist();
		});
	}

	@Test
	void usesTheApplicationsJsonMapper() {
		JsonMapper mapper = JsonMapper.builder().build();
		this.contextRunner.withBean(JsonMapper.class, () -> mapper).run((context) -> {
			GlobalValNode node = context.getBean(GlobalValNode.class);
			assertThat(node.replica().codec().mapper()).isSameAs(mapper);
		});
	}

	@Test
	void nameDefaultsToTheSpringApplicationName() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class))
			.withPropertyValues("spring.application.name=orders", "globalval.uds.directory=" + this.directory)
			.run((context) -> assertThat(context.getBean(GlobalValNode.class).settings().name()).isEqualTo("orders"));
	}

	@Test
	void nameDefaultsToApplicationWithoutASpringApplicationNameAndSaysWhatToSet(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class))
			.withPropertyValues("globalval.uds.directory=" + this.directory)
			.run((context) -> assertThat(context.getBean(GlobalValNode.class).settings().name())
				.isEqualTo(GlobalValAutoConfiguration.DEFAULT_NAME));
		assertThat(output).containsOnlyOnce("Neither globalval.name nor spring.application.name is set")
			.contains("every other process named 'application' on globalval.transport=uds")
			.contains("set spring.application.name (or globalval.name)");
	}

	@Test
	void defaultNameIsNotWarnedAboutOnTheLocalTransport(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GlobalValAutoConfiguration.class))
			.withPropertyValues("globalval.transport=local")
			.run((context) -> assertThat(context.getBean(GlobalValNode.class).settings().name())
				.isEqualTo(GlobalValAutoConfiguration.DEFAULT_NAME));
		assertThat(output).doesNotContain("Neither globalval.name nor spring.application.name is set");
	}

	@Test
	void configuredNameIsNotWarnedAbout(CapturedOutput output) {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("Neither globalval.name nor spring.application.name is set");
	}

	@Test
	void aClusterWorkerIsNamedAfterItsIndexUnlessANodeNameIsSet() {
		this.contextRunner.withPropertyValues("GLOBALVAL_CLUSTER_WORKER_INDEX=2")
			.run((context) -> assertThat(context.getBean(GlobalValNode.class).settings().nodeName())
				.isEqualTo("worker-2"));
		this.contextRunner.withPropertyValues("GLOBALVAL_CLUSTER_WORKER_INDEX=2", "globalval.node-name=web-1")
			.run((context) -> assertThat(context.getBean(GlobalValNode.class).settings().nodeName())
				.isEqualTo("web-1"));
	}

	@Test
	void propertiesReachTheNodeSettings() {
		this.contextRunner
			.withPropertyValues("globalval.node-name=web-1", "globalval.write-timeout=2s", "globalval.max-key-length=64",
					"globalval.max-value-size=2MB", "globalval.max-frame-size=4MB", "globalval.change-log.capacity=10",
					"globalval.change-log.max-size=1MB", "globalval.max-queued-size=8MB", "globalval.ping-interval=500ms",
					"globalval.max-pending-writes=100")
			.run((context) -> {
				NodeSettings settings = context.getBean(GlobalValNode.class).settings();
				assertThat(settings.name()).isEqualTo(OtherNodes.NAME);
				assertThat(settings.directory()).isEqualTo(this.directory);
				assertThat(settings.role()).isEqualTo(RolePreference.AUTO);
				assertThat(settings.nodeName()).isEqualTo("web-1");
				assertThat(settings.writeTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings.maxKeyLength()).isEqualTo(64);
				assertThat(settings.maxValueSize()).isEqualTo(2 * 1024 * 1024);
				assertThat(settings.maxFrameSize()).isEqualTo(4 * 1024 * 1024);
				assertThat(settings.changeLogCapacity()).isEqualTo(10);
				assertThat(settings.changeLogMaxBytes()).isEqualTo(1024 * 1024);
				assertThat(settings.maxQueuedBytes()).isEqualTo(8 * 1024 * 1024);
				assertThat(settings.pingInterval()).isEqualTo(Duration.ofMillis(500));
				assertThat(settings.maxPendingWrites()).isEqualTo(100);
			});
	}

	@Test
	void tcpTransportWithASecretServesWorkersOverTcp() {
		String secret = "a secret of at least sixteen characters";
		this.contextRunner
			.withPropertyValues("globalval.transport=tcp", "globalval.tcp.secret=" + secret, "globalval.tcp.port=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				GlobalValNode master = context.getBean(GlobalValNode.class);
				assertThat(this.directory.resolve(TcpTransport.PORT_FILE)).exists();
				assertThat(this.directory.resolve(UdsTransport.SOCKET_FILE)).doesNotExist();
				assertThat(master.sequencerAddress()).startsWith("127.0.0.1:").doesNotContain(secret);
				NodeSettings workerSettings = NodeSettings.builder()
					.name(OtherNodes.NAME)
					.directory(this.directory)
					.role(RolePreference.WORKER)
					.build();
				try (GlobalValNode worker = GlobalValNodes.builder(workerSettings)
					.transport(new TcpTransport(TcpTransportSettings.builder().secret(secret).build()))
					.start()) {
					worker.ready().get(10, TimeUnit.SECONDS);
					long revision = new GlobalValTemplate(worker).set("over", "tcp").get(10,
							TimeUnit.SECONDS);
					master.awaitRevision(revision).get(10, TimeUnit.SECONDS);
					assertThat(context.getBean(GlobalValTemplate.class).get("over")).isEqualTo("tcp");
				}
			});
	}

	@Test
	void tcpTransportWithoutASecretFailsWithAClearMessage() {
		this.contextRunner.withPropertyValues("globalval.transport=tcp").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageStartingWith("globalval.transport=tcp requires globalval.tcp.secret");
		});
	}

	@Test
	void workerWithoutMasterFailsStartupAfterTheStartupTimeout() {
		this.contextRunner.withPropertyValues("globalval.role=worker", "globalval.startup-timeout=300ms")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(GlobalValException.class)
					.hasMessageContaining("globalval.startup-timeout (PT0.3S)")
					.hasMessageContaining(this.directory.resolve(UdsTransport.SOCKET_FILE).toString());
			});
	}

	@Test
	void roleMasterFailsWhileAnotherMasterRuns() {
		this.others.master();
		this.contextRunner.withPropertyValues("globalval.role=master").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(GlobalValException.class)
				.hasMessageContaining("globalval.role=master");
		});
	}

	@Test
	void workerHasTheMastersStateOnceTheContextHasStarted() {
		GlobalValNode master = this.others.master();
		new GlobalValTemplate(master).set("greeting", "hello").join();
		this.contextRunner.run((context) -> {
			GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
			assertThat(template.role()).isEqualTo(Role.WORKER);
			assertThat(template.isReady()).isTrue();
			assertThat(template.get("greeting")).isEqualTo("hello");
		});
	}

	@Test
	void changesArePublishedInRevisionOrderOnTheEventThread() {
		this.contextRunner.withBean(RecordingListener.class).run((context) -> {
			GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
			RecordingListener listener = context.getBean(RecordingListener.class);
			template.set("a", 1).join();
			template.set("b", List.of("x", "y")).join();
			template.set("a", 2).join();
			template.delete("b").join();
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.changes()).hasSize(4));
			List<GlobalValChangedEvent> changes = listener.changes();
			assertThat(changes).extracting(GlobalValChangedEvent::getKey).containsExactly("a", "b", "a", "b");
			assertThat(changes).extracting(GlobalValChangedEvent::getRevision).containsExactly(1L, 2L, 3L, 4L);
			assertThat(changes).extracting(GlobalValChangedEvent::getValue).containsExactly(1, List.of("x", "y"), 2, null);
			assertThat(changes).extracting(GlobalValChangedEvent::getPreviousValue)
				.containsExactly(null, null, 1, List.of("x", "y"));
			assertThat(changes).extracting(GlobalValChangedEvent::isDeleted).containsExactly(false, false, false, true);
			long nodeId = context.getBean(GlobalValNode.class).nodeId();
			assertThat(changes).allMatch(GlobalValChangedEvent::isLocal).allMatch((event) -> event.getOrigin() == nodeId);
			assertThat(changes.get(2).getValue(Long.class)).isEqualTo(2L);
			assertThat(listener.changeThreads()).allMatch((thread) -> thread.startsWith("globalval-events-"));
		});
	}

	@Test
	void listenerWithSpelConditionSeesOnlyItsKey() {
		this.contextRunner.withBean(RecordingListener.class).run((context) -> {
			GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
			RecordingListener listener = context.getBean(RecordingListener.class);
			template.set("greeting", "hello").join();
			template.set("other", "x").join();
			template.set("greeting", "bye").join();
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.changes()).hasSize(3));
			assertThat(listener.greetings).extracting(GlobalValChangedEvent::getValue).containsExactly("hello", "bye");
		});
	}

	@Test
	void roleIsPublishedBeforeTheFirstChange() {
		this.contextRunner.withBean(RecordingListener.class).run((context) -> {
			RecordingListener listener = context.getBean(RecordingListener.class);
			context.getBean(GlobalValTemplate.class).set("k", "v").join();
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.changes()).hasSize(1));
			assertThat(listener.events.get(0)).isInstanceOfSatisfying(GlobalValRoleEvent.class, (event) -> {
				assertThat(event.getRole()).isEqualTo(Role.MASTER);
				assertThat(event.getName()).isEqualTo(OtherNodes.NAME);
			});
		});
	}

	@Test
	void workerPublishesItsRoleThenItsFirstSnapshot() {
		GlobalValTemplate master = new GlobalValTemplate(this.others.master());
		master.set("one", 1).join();
		master.set("two", 2).join();
		this.contextRunner.withBean(RecordingListener.class).run((context) -> {
			RecordingListener listener = context.getBean(RecordingListener.class);
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.events).hasSize(2));
			assertThat(listener.events.get(0)).isInstanceOfSatisfying(GlobalValRoleEvent.class,
					(event) -> assertThat(event.getRole()).isEqualTo(Role.WORKER));
			assertThat(listener.events.get(1)).isInstanceOfSatisfying(GlobalValSnapshotEvent.class, (event) -> {
				assertThat(event.getRevision()).isEqualTo(2);
				assertThat(event.getKeys()).isEqualTo(2);
			});
		});
	}

	@Test
	void changeFromAnotherProcessIsPublishedWithItsOrigin() {
		GlobalValTemplate master = new GlobalValTemplate(this.others.master());
		this.contextRunner.withBean(RecordingListener.class).run((context) -> {
			RecordingListener listener = context.getBean(RecordingListener.class);
			master.set("greeting", "from the master").join();
			await().atMost(WAIT).untilAsserted(() -> assertThat(listener.greetings).hasSize(1));
			GlobalValChangedEvent event = listener.greetings.get(0);
			assertThat(event.getValue()).isEqualTo("from the master");
			assertThat(event.getOrigin()).isEqualTo(master.getNode().nodeId());
			assertThat(event.isLocal()).isFalse();
		});
	}

	@Test
	void changesMadeWhileTheContextStartsAreNotLost() {
		this.contextRunner.withBean(RecordingListener.class)
			.withUserConfiguration(WritesOnStartupConfiguration.class)
			.run((context) -> {
				RecordingListener listener = context.getBean(RecordingListener.class);
				await().atMost(WAIT).untilAsserted(() -> assertThat(listener.changes())
					.extracting(GlobalValChangedEvent::getKey)
					.containsExactly("written-during-startup"));
			});
	}

	@Test
	void shutdownCompletesEveryPendingWrite() {
		this.others.master();
		List<CompletableFuture<Long>> writes = new ArrayList<>();
		this.contextRunner.run((context) -> {
			GlobalValTemplate template = context.getBean(GlobalValTemplate.class);
			assertThat(template.role()).isEqualTo(Role.WORKER);
			for (int i = 0; i < 100; i++) {
				writes.add(template.set("k" + i, i));
			}
		});
		assertThat(writes).allMatch(CompletableFuture::isDone);
		assertThat(writes).allSatisfy((write) -> {
			if (write.isCompletedExceptionally()) {
				assertThatThrownBy(write::join).hasCauseInstanceOf(GlobalValConnectionException.class);
			}
		});
	}

	@Test
	void stoppingTheContextReleasesTheMasterLock() {
		this.contextRunner.run((context) -> assertThat(context.getBean(GlobalValTemplate.class).role())
			.isEqualTo(Role.MASTER));
		GlobalValNode next = GlobalValNodes.start(NodeSettings.builder()
			.name(OtherNodes.NAME)
			.directory(this.directory)
			.role(RolePreference.MASTER)
			.build());
		next.close();
		assertThat(Files.exists(this.directory)).isTrue();
	}

	@Test
	void readinessFollowsTheConnectionToTheMasterWhenAskedTo() {
		GlobalValNode master = this.others.master();
		// an explicit worker does not take over when its master goes, so it is cut off
		this.contextRunner.withPropertyValues("globalval.role=worker", "globalval.readiness.follow-connection=true").withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class))
			.run((context) -> {
				ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
				// what SpringApplication does once the application is ready
				AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
				master.close();
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(availability.getReadinessState())
						.isEqualTo(ReadinessState.REFUSING_TRAFFIC));
				this.others.master();
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(availability.getReadinessState())
						.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC));
			});
	}

	@Test
	void applicationThatStartsToAcceptTrafficWhileCutOffRefusesItAtOnce() {
		GlobalValNode master = this.others.master();
		this.contextRunner.withPropertyValues("globalval.role=worker", "globalval.readiness.follow-connection=true").withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class))
			.run((context) -> {
				GlobalValConnectionMonitor monitor = context.getBean(GlobalValConnectionMonitor.class);
				ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
				master.close();
				await().atMost(WAIT).untilAsserted(() -> assertThat(monitor.isCurrent()).isFalse());
				AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(availability.getReadinessState())
						.isEqualTo(ReadinessState.REFUSING_TRAFFIC));
				assertThat(monitor.disconnectedFor()).isPositive();
			});
	}

	@Test
	void readinessIsLeftAloneBeforeTheApplicationAcceptsTraffic() {
		GlobalValNode master = this.others.master();
		this.contextRunner.withPropertyValues("globalval.role=worker", "globalval.readiness.follow-connection=true").withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class))
			.run((context) -> {
				GlobalValConnectionMonitor monitor = context.getBean(GlobalValConnectionMonitor.class);
				ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
				master.close();
				await().atMost(WAIT).untilAsserted(() -> assertThat(monitor.isCurrent()).isFalse());
				assertThat(availability.getLastChangeEvent(ReadinessState.class)).isNull();
			});
	}

	@Test
	void readinessIgnoresTheConnectionByDefault() {
		GlobalValNode master = this.others.master();
		this.contextRunner.withPropertyValues("globalval.role=worker")
			.withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class))
			.run((context) -> {
				GlobalValConnectionMonitor monitor = context.getBean(GlobalValConnectionMonitor.class);
				ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
				AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
				master.close();
				await().atMost(WAIT).untilAsserted(() -> assertThat(monitor.isCurrent()).isFalse());
				assertThat(monitor.disconnectedFor()).isPositive();
				// a follower would have refused traffic while it was told, before isCurrent turned false
				assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
				assertThat(availability.getLastChangeEvent(ReadinessState.class).getSource()).isSameAs(context);
			});
	}

	@Test
	void localTransportMakesAMasterOfItsOwnWithoutDirectoryLockOrSocket() {
		Path unused = this.directory.resolve("local");
		this.contextRunner.withBean(RecordingListener.class)
			.withPropertyValues("globalval.transport=local", "globalval.uds.directory=" + unused)
			.run((context) -> {
				GlobalValTemplate globalVals = context.getBean(GlobalValTemplate.class);
				assertThat(globalVals.role()).isEqualTo(Role.MASTER);
				assertThat(context.getBean(GlobalValNode.class).sequencerAddress()).isEqualTo("local:" + OtherNodes.NAME);
				assertThat(globalVals.set("greeting", "hi").join()).isEqualTo(1);
				assertThat(globalVals.increment("count", 2).join()).isEqualTo(2);
				RecordingListener listener = context.getBean(RecordingListener.class);
				await().atMost(WAIT).untilAsserted(() -> assertThat(listener.changes())
					.extracting(GlobalValChangedEvent::getRevision)
					.containsExactly(1L, 2L));
				assertThat(listener.greetings).hasSize(1);
				assertThat(unused).doesNotExist();
			});
	}

	@Test
	void localTransportNeverJoinsARunningGroup() {
		GlobalValNode master = this.others.master();
		new GlobalValTemplate(master).set("greeting", "from the group").join();
		this.contextRunner.withPropertyValues("globalval.transport=local").run((context) -> {
			GlobalValTemplate globalVals = context.getBean(GlobalValTemplate.class);
			assertThat(globalVals.role()).isEqualTo(Role.MASTER);
			assertThat(globalVals.get("greeting")).isNull();
			assertThat(master.workers()).isEmpty();
		});
	}

	@Test
	void localTransportInClusterModeFailsAtStartup() {
		this.contextRunner.withPropertyValues("globalval.transport=local", "globalval.cluster.workers=2")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("globalval.cluster.workers")
					.hasMessageContaining("globalval.transport=local");
				assertThat(this.directory).isEmptyDirectory();
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTemplateConfiguration {

		@Bean
		GlobalValTemplate ownTemplate(GlobalValNode node) {
			return new GlobalValTemplate(node);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WritesOnStartupConfiguration {

		@Bean
		StartupWriter startupWriter(GlobalValTemplate template) {
			return new StartupWriter(template);
		}

	}

	static class StartupWriter implements InitializingBean {

		private final GlobalValTemplate template;

		StartupWriter(GlobalValTemplate template) {
			this.template = template;
		}

		@Override
		public void afterPropertiesSet() {
			this.template.set("written-during-startup", true).join();
		}

	}

}
