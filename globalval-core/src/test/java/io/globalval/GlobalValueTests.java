package io.globalval;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import tools.jackson.core.type.TypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GlobalValue} handles of a {@link GlobalValTemplate}, on a node alone in
 * this process.
 */
class GlobalValueTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final TypeReference<List<Flag>> FLAG_LIST = new TypeReference<>() {
	};

	@TempDir
	Path temp;

	private GlobalValNode node;

	private GlobalValTemplate globalVals;

	@BeforeEach
	void startNode() {
		this.node = GlobalValNodes
			.builder(NodeSettings.builder().name("orders").directory(this.temp.resolve("group")).maxKeyLength(8).build())
			.local()
			.start();
		this.globalVals = new GlobalValTemplate(this.node);
	}

	@AfterEach
	void closeNode() {
		this.node.close();
	}

	@Test
	void getReadsTheConvertedValueOrNullWhenAbsent() {
		GlobalValue<Flag> flag = this.globalVals.value("dark", Flag.class);
		assertThat(flag.key()).isEqualTo("dark");
		assertThat(flag.get()).isNull();
		this.globalVals.set("dark", Map.of("name", "dark", "on", true)).join();
		assertThat(flag.get()).isEqualTo(new Flag("dark", true));
	}

	@Test
	void getOrDefaultReturnsTheDefaultOnlyWhenAbsent() {
		GlobalValue<Boolean> maintenance = this.globalVals.value("maint", Boolean.class);
		assertThat(maintenance.getOrDefault(false)).isFalse();
		maintenance.set(true).join();
		assertThat(maintenance.getOrDefault(false)).isTrue();
	}

	@Test
	void getSharesTheCachedConversionWithTheTemplatesTypedRead() {
		GlobalValue<Flag> flag = this.globalVals.value("dark", Flag.class);
		flag.set(new Flag("dark", true)).join();
		Flag read = flag.get();
		assertThat(flag.get()).isSameAs(read);
		assertThat(this.globalVals.get("dark", Flag.class)).isSameAs(read);
	}

	@Test
	void genericHandleConvertsTheElementsAndCachesTheResult() {
		GlobalValue<List<Flag>> flags = this.globalVals.value("flags", FLAG_LIST);
		flags.set(List.of(new Flag("dark", true), new Flag("beta", false))).join();
		List<Flag> read = flags.get();
		assertThat(read).containsExactly(new Flag("dark", true), new Flag("beta", false));
		assertThat(flags.get()).isSameAs(read);
		assertThat(this.globalVals.value("flags", FLAG_LIST).get()).isSameAs(read);
	}

	@Test
	void aValueOfAnotherShapeFailsToConvertSayingToWhat() {
		this.globalVals.set("flags", "not a list").join();
		assertThatIllegalArgumentException().isThrownBy(() -> this.globalVals.value("flags", FLAG_LIST).get())
			.withMessageStartingWith("Cannot convert value to java.util.List<" + Flag.class.getName() + ">");
	}

	@Test
	void writesGoThroughTheTemplate() {
		GlobalValue<Integer> limit = this.globalVals.value("limit", Integer.class);
		assertThat(limit.compareAndSet(null, 1).join()).isTrue();
		assertThat(limit.compareAndSet(5, 2).join()).isFalse();
		assertThat(limit.compareAndSet(1, 2).join()).isTrue();
		assertThat(this.globalVals.get("limit")).isEqualTo(2);
		assertThat(limit.delete().join()).isTrue();
		assertThat(limit.delete().join()).isFalse();
		assertThat(limit.get()).isNull();
	}

	@Test
	void settingNullSaysToDelete() {
		GlobalValue<String> greeting = this.globalVals.value("greeting", String.class);
		assertThatIllegalArgumentException().isThrownBy(() -> greeting.set(null))
			.withMessage("Value must not be null; use delete(\"greeting\") to remove a key");
	}

	@Test
	void invalidKeysAndTypesAreRejectedWhenTheHandleIsCreated() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.globalVals.value(null, String.class))
			.withMessage("'key' must not be null");
		assertThatIllegalArgumentException().isThrownBy(() -> this.globalVals.value("", FLAG_LIST))
			.withMessage("'key' must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> this.globalVals.value("too-long-key", String.class))
			.withMessageContaining("over globalval.max-key-length (8)");
		assertThatNullPointerException().isThrownBy(() -> this.globalVals.value("a", (Class<String>) null))
			.withMessage("'type' must not be null");
		assertThatNullPointerException().isThrownBy(() -> this.globalVals.value("a", (TypeReference<String>) null))
			.withMessage("'type' must not be null");
	}

	@Test
	void onChangeHearsOnlyItsKeyInRevisionOrder() {
		GlobalValue<Flag> dark = this.globalVals.value("dark", Flag.class);
		List<GlobalValue.Change<Flag>> changes = new CopyOnWriteArrayList<>();
		dark.onChange(changes::add);
		long first = dark.set(new Flag("dark", true)).join();
		this.globalVals.set("beta", Map.of("name", "beta", "on", true)).join();
		long second = dark.set(new Flag("dark", false)).join();
		assertThat(dark.delete().join()).isTrue();
		long deleted = this.globalVals.revision();
		await().atMost(WAIT).untilAsserted(() -> assertThat(changes).hasSize(3));
		assertThat(changes).containsExactly(new GlobalValue.Change<>("dark", new Flag("dark", true), first, true),
				new GlobalValue.Change<>("dark", new Flag("dark", false), second, true),
				new GlobalValue.Change<>("dark", null, deleted, true));
		assertThat(changes.get(2).isDeleted()).isTrue();
		assertThat(changes.get(1).isDeleted()).isFalse();
	}

	@Test
	void genericOnChangeConvertsTheElements() {
		List<List<Flag>> values = new CopyOnWriteArrayList<>();
		GlobalValue<List<Flag>> flags = this.globalVals.value("flags", FLAG_LIST);
		flags.onChange((change) -> values.add(change.value()));
		flags.set(List.of(new Flag("dark", true))).join();
		await().atMost(WAIT).untilAsserted(() -> assertThat(values).containsExactly(List.of(new Flag("dark", true))));
	}

	@Test
	void closingTheRegistrationStopsOnlyThatListener() {
		GlobalValue<String> greeting = this.globalVals.value("greeting", String.class);
		List<String> closed = new CopyOnWriteArrayList<>();
		List<String> open = new CopyOnWriteArrayList<>();
		GlobalValue.Registration registration = greeting.onChange((change) -> closed.add(change.value()));
		greeting.onChange((change) -> open.add(change.value()));
		registration.close();
		registration.close();
		greeting.set("hi").join();
		// both are called in turn on the event thread: once the open one has it, the closed one had its chance
		await().atMost(WAIT).untilAsserted(() -> assertThat(open).containsExactly("hi"));
		assertThat(closed).isEmpty();
	}

	@Test
	void aListenerThatFailsToConvertIsSkippedAndOthersGoOn() {
		List<Object> flags = new CopyOnWriteArrayList<>();
		List<Object> plain = new CopyOnWriteArrayList<>();
		this.globalVals.value("dark", Flag.class).onChange((change) -> flags.add(change.value()));
		this.globalVals.value("dark", Object.class).onChange((change) -> plain.add(change.value()));
		this.globalVals.set("dark", "not a flag").join();
		this.globalVals.set("dark", new Flag("dark", true)).join();
		await().atMost(WAIT).untilAsserted(() -> assertThat(plain).hasSize(2));
		assertThat(flags).containsExactly(new Flag("dark", true));
	}

	@Test
	void onChangeRejectsANullListener() {
		assertThatNullPointerException().isThrownBy(() -> this.globalVals.value("a", String.class).onChange(null))
			.withMessage("'listener' must not be null");
	}

	record Flag(String name, boolean on) {
	}

}
