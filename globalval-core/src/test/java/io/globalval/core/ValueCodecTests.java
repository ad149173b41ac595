package io.globalval.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.GlobalValNodes;
import io.globalval.GlobalValRejectedException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Values from other processes are parsed within fixed limits and without polymorphic
 * typing: hostile JSON is refused as a bad value with a clear message, never a
 * {@link StackOverflowError} or an instantiated class.
 */
class ValueCodecTests {

	private static final int MAX_VALUE_SIZE = 1024 * 1024;

	private final ValueCodec codec = new ValueCodec(JsonMapper.builder().build(), MAX_VALUE_SIZE);

	private final RequestLimits limits = new RequestLimits(NodeSettings.builder().maxValueSize(MAX_VALUE_SIZE).build(),
			this.codec);

	private static byte[] nested(int depth, boolean closed) {
		return ("[".repeat(depth) + (closed ? "]".repeat(depth) : "")).getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] json(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void deeplyNestedJsonIsRejectedAsABadValueWithAClearMessage() {
		assertThat(this.limits.problemWithValue("deep", nested(10_000, true))).startsWith(
				"Value for 'deep' is over a JSON parsing limit: Document nesting depth (501) exceeds the maximum allowed (500")
			.endsWith("; nest it less deeply or shorten its numbers and strings");
	}

	@Test
	void deeplyNestedUnterminatedJsonIsRejectedAsABadValue() {
		assertThat(this.limits.problemWithValue("deep", nested(10_000, false)))
			.startsWith("Value for 'deep' is over a JSON parsing limit: Document nesting depth (501)");
	}

	@Test
	void nestingUpToTheLimitIsAccepted() {
		assertThat(this.codec.problemWith(nested(ValueCodec.MAX_NESTING_DEPTH, true))).isNull();
		assertThat(this.codec.problemWith(nested(ValueCodec.MAX_NESTING_DEPTH + 1, true)))
			.contains("nesting depth (501) exceeds the maximum allowed (500");
	}

	@Test
	void decodingDeeplyNestedJsonFailsWithAJacksonExceptionNotAStackOverflow() {
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.codec.decode(nested(10_000, true)))
			.withMessageContaining("nesting depth");
		assertThat(this.codec.sameValue(nested(10_000, true), nested(10_001, true))).isFalse();
		assertThat(this.codec.asLong(nested(10_000, true))).isNull();
	}

	@Test
	void conversionToAGenericTypeKeepsTheLimitsAndSaysToWhat() {
		JavaType listOfLists = this.codec.mapper().constructType(new TypeReference<List<List<Object>>>() {
		});
		assertThat(this.codec.<List<List<Object>>>convert("[[1],[2]]".getBytes(StandardCharsets.US_ASCII), listOfLists))
			.containsExactly(List.of(1), List.of(2));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.codec.convert(nested(10_000, true), listOfLists))
			.withMessageStartingWith("Cannot convert value to java.util.List<java.util.List<java.lang.Object>>")
			.withMessageContaining("nesting depth");
	}

	@Test
	void hugeIntegerIsRejectedAsABadValue() {
		assertThat(this.limits.problemWithValue("big", json("1".repeat(10_000))))
			.startsWith("Value for 'big' is over a JSON parsing limit: Number value length (")
			.contains("exceeds the maximum allowed (1000");
	}

	@Test
	void hugeNumberInsideAValueIsRejectedAsABadValue() {
		assertThat(this.codec.problemWith(json("{\"n\":[1, -0." + "9".repeat(5_000) + "]}")))
			.startsWith("over a JSON parsing limit: Number value length (");
		assertThat(this.codec.problemWith(json("[" + "7".repeat(ValueCodec.MAX_NUMBER_LENGTH) + "]"))).isNull();
	}

	@Test
	void hugeNumberIsNeverDecodedOrAddedTo() {
		byte[] big = json("9".repeat(10_000));
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.codec.decode(big))
			.withMessageContaining("Number value length");
		assertThat(this.codec.asLong(big)).isNull();
	}

	@Test
	void stringLongerThanTheLargestValueIsNotDecoded() {
		ValueCodec small = new ValueCodec(JsonMapper.builder().build(), 100);
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> small.decode(json("\"" + "x".repeat(200) + "\"")))
			.withMessageContaining("String value length (200) exceeds the maximum allowed (100");
		assertThat(small.decode(json("\"" + "x".repeat(100) + "\""))).isEqualTo("x".repeat(100));
	}

	@Test
	void applicationMapperWithLooserLimitsDoesNotLoosenTheCodec() {
		JsonFactory loose = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000).maxNumberLength(100_000).build())
			.build();
		ValueCodec codec = new ValueCodec(JsonMapper.builder(loose).build(), MAX_VALUE_SIZE);
		assertThat(codec.problemWith(nested(10_000, true))).contains("nesting depth (501)");
		assertThat(codec.problemWith(json("1".repeat(10_000)))).contains("Number value length");
	}

	@Test
	void applicationsDefaultTypingIsNotUsedForValuesFromTheWire() {
		JsonMapper typed = JsonMapper.builder()
			.activateDefaultTyping(BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build(),
					DefaultTyping.NON_FINAL)
			.build();
		ValueCodec codec = new ValueCodec(typed, MAX_VALUE_SIZE);
		byte[] hostile = json("[\"java.util.concurrent.atomic.AtomicLong\", 42]");
		assertThat(codec.problemWith(hostile)).isNull();
		assertThat(codec.decode(hostile)).isEqualTo(List.of("java.util.concurrent.atomic.AtomicLong", 42));
		assertThat(codec.asLong(hostile)).isNull();
	}

	@Test
	void masterRejectsDeeplyNestedAndHugeValuesFromAWorkerAndKeepsServingIt(@TempDir Path directory)
			throws Exception {
		NodeSettings.Builder settings = NodeSettings.builder()
			.name("hostile-json")
			.directory(directory)
			.writeTimeout(Duration.ofSeconds(10));
		try (GlobalValNode master = GlobalValNodes.start(settings.role(RolePreference.MASTER).build());
				GlobalValNode worker = GlobalValNodes.start(settings.role(RolePreference.WORKER).build())) {
			worker.ready().get(10, TimeUnit.SECONDS);
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> worker.set("deep", nested(10_000, true)).get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(GlobalValRejectedException.class)
				.withMessageContaining("Value for 'deep' is over a JSON parsing limit: Document nesting depth (501)");
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> worker.compareAndSet("big", null, json("1".repeat(10_000))).get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(GlobalValRejectedException.class)
				.withMessageContaining("Value for 'big' is over a JSON parsing limit: Number value length");
			long revision = worker.set("fine", json("[[1]]")).get(10, TimeUnit.SECONDS);
			assertThat(master.awaitRevision(revision).get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(revision);
			assertThat(master.replica().get("fine")).isEqualTo(List.of(List.of(1)));
			assertThat(master.replica().get("deep")).isNull();
			assertThat(master.replica().get("big")).isNull();
		}
	}

}
