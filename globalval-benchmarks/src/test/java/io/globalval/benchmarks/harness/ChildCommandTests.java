package io.globalval.benchmarks.harness;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Every {@link ChildCommand} reads back from its wire form as itself.
 */
class ChildCommandTests {

	/** One command of each kind, with arguments that differ from each other. */
	private static final List<ChildCommand> EVERY_COMMAND = List.of(new ChildCommand.Preload(10, 1000),
			new ChildCommand.AwaitSize(1000, 120_000), new ChildCommand.Warm(50_000, 5000),
			new ChildCommand.LatencyArm("k0", 2000),
			new ChildCommand.LatencySend("k0", 2000, 2_000_000, -123_456_789_012L),
			new ChildCommand.LatencyResult(10_000), new ChildCommand.ThroughputArm("0:0:25000,1:25000:50000", 0, 25_000),
			new ChildCommand.ThroughputArm("0:0:50000"), new ChildCommand.ThroughputGo(987_654_321_000L, 987_684_321_000L),
			new ChildCommand.ThroughputResult(Long.MAX_VALUE), new ChildCommand.ConvergenceGo(5000, 1000, -5L, 7L),
			new ChildCommand.Dump(), new ChildCommand.Cpu(), new ChildCommand.Bytes(), new ChildCommand.Revision(),
			new ChildCommand.AwaitRevision(42, 120_000), new ChildCommand.SetOne("k0", 0, 1_000_001),
			new ChildCommand.AwaitValue("warm", 49_999, 20_000), new ChildCommand.Join(100_000, 120_000),
			new ChildCommand.PreloadCache(), new ChildCommand.AwaitMembers(4, 120_000),
			new ChildCommand.AwaitClients(4, 120_000), new ChildCommand.Exit());

	@Test
	void everyCommandReadsBackFromItsWireForm() {
		for (ChildCommand command : EVERY_COMMAND) {
			String wire = command.wire();
			assertThat(wire).startsWith(command.verb().wireName()).doesNotContain("\n");
			assertThat(ChildCommand.parse(wire)).as(wire).isEqualTo(command);
		}
	}

	@Test
	void theSamplesCoverEveryVerbAndEveryKindOfCommand() {
		Set<ChildCommand.Verb> verbs = EVERY_COMMAND.stream().map(ChildCommand::verb).collect(Collectors.toSet());
		assertThat(verbs).isEqualTo(EnumSet.allOf(ChildCommand.Verb.class));
		Set<Class<?>> kinds = EVERY_COMMAND.stream().map(Object::getClass).collect(Collectors.toSet());
		assertThat(kinds).containsExactlyInAnyOrder(ChildCommand.class.getPermittedSubclasses());
	}

	@Test
	void wireNamesAreThoseOfTheProtocol() {
		assertThat(new ChildCommand.LatencyArm("k0", 20).wire()).isEqualTo("Larm k0 20");
		assertThat(new ChildCommand.ThroughputArm("0:0:200").wire()).isEqualTo("Tarm 0:0:200 -1 -1");
		assertThat(new ChildCommand.AwaitRevision(7, 1000).wire()).isEqualTo("await 7 1000");
		assertThat(new ChildCommand.Exit().wire()).isEqualTo("exit");
		Set<String> names = EnumSet.allOf(ChildCommand.Verb.class)
			.stream()
			.map(ChildCommand.Verb::wireName)
			.collect(Collectors.toSet());
		assertThat(names).hasSize(ChildCommand.Verb.values().length);
	}

	@Test
	void anUnknownVerbOrTheWrongArgumentsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ChildCommand.parse("nonsense 1"))
			.withMessageContaining("Unknown command nonsense");
		assertThatIllegalArgumentException().isThrownBy(() -> ChildCommand.parse("preload 1"))
			.withMessageContaining("preload");
		assertThatIllegalArgumentException().isThrownBy(() -> ChildCommand.parse("preload 1 2 3"))
			.withMessageContaining("preload");
		assertThatIllegalArgumentException().isThrownBy(() -> ChildCommand.parse("preload one 2"));
		assertThatIllegalArgumentException().isThrownBy(() -> new ChildCommand.LatencyArm("two words", 1).wire());
	}

}
