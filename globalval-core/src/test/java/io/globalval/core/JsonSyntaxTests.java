package io.globalval.core;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JsonSyntax} accepts exactly the strict JSON that the Jackson-based check it
 * replaced ({@link JacksonJsonCheck}) accepts, except bytes that are not well-formed
 * UTF-8, which it refuses and Jackson lets through.
 */
class JsonSyntaxTests {

	private static final String VALID = null;

	private static final String INVALID = "not valid JSON: ";

	private static final String LIMIT = "over a JSON parsing limit: ";

	private final JsonSyntax syntax = new JsonSyntax(500, 1000, 1_000_000, 50_000);

	private final JacksonJsonCheck jackson = new JacksonJsonCheck(500, 1000, 50_000);

	static Stream<Arguments> cases() {
		return Stream.of(
				// scalars and containers
				valid("1"), valid("-0"), valid("0"), valid("-12.5e+3"), valid("1E5"), valid("1e-0"), valid("0.0"),
				valid("123456789012345678901234567890"), valid("\"\""), valid("\"x\""), valid("true"),
				valid("false"), valid("[]"), valid("{}"), valid("[null]"), valid("{\"a\":null}"),
				valid(" \t\r\n[ 1 , { \"a\" : [ ] , \"b\" : { } } , \"c\" ] \n"), valid("[[[[]]],[[]]]"),
				valid("{\"a\":{\"b\":{\"c\":[1,2,{\"d\":true}]}}}"), valid("[1,-1,0.5,-0.5,1e9,1E+9,1e-9]"),
				// strings: escapes, unicode, DEL
				valid("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0000 \\u00e9 \\uD83D\\uDE00 \\uFFFF \\uabcd \\uABCD\""),
				valid("\"\\uD800\""), valid("\"h\u00e9 \u20ac \uD83D\uDE00 \uFFFF \u0800 \u07FF\""),
				valid("{\"\u00e9\uD83D\uDE00\":\"\u4e2d\u6587\"}"), valid(bytes(0x22, 0x7F, 0x22)),
				valid(bytes(0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22)), valid(bytes(0x22, 0xEE, 0x80, 0x80, 0x22)),
				valid(bytes(0x22, 0xED, 0x9F, 0xBF, 0x22)), valid(bytes(0x22, 0xF0, 0x90, 0x80, 0x80, 0x22)),
				// not one value that is not null
				refused("", "empty"), refused(" \n\t\r ", "empty"), refused("null", "JSON null"),
				refused(" null ", "JSON null"), refused("1 2", "more than one JSON value"),
				refused("[1]\"x\"", "more than one JSON value"), refused("{} {}", "more than one JSON value"),
				// structure
				invalid("["), invalid("]"), invalid("{"), invalid("[1"), invalid("[1,"), invalid("[1,]"),
				invalid("[,1]"), invalid("[1 2]"), invalid("[1}"), invalid("{]"), invalid("{\"a\"}"),
				invalid("{\"a\":}"), invalid("{\"a\":1,}"), invalid("{\"a\" 1}"), invalid("{\"a\":1 \"b\":2}"),
				invalid("{1:1}"), invalid("{'a':1}"), invalid("{a:1}"), invalid("[1]]"), invalid("{}}"),
				invalid("1]"), invalid("1,"), invalid("[1]x"), invalid("1x"), invalid("/*c*/1"), invalid("1 //c"),
				invalid("#1"), invalid("'a'"), invalid("[\"a\":1]"), invalid("{\"a\":1:2}"),
				// literals
				invalid("tru"), invalid("truex"), invalid("True"), invalid("nul"), invalid("nulL"), invalid("[fals]"),
				invalid("NaN"), invalid("Infinity"), invalid("-Infinity"), invalid("undefined"),
				// numbers
				invalid("01"), invalid("-01"), invalid("00"), invalid("+1"), invalid("-"), invalid("1."),
				invalid(".5"), invalid("1.e3"), invalid("1e"), invalid("1e+"), invalid("1E-"), invalid("--1"),
				invalid("0x10"), invalid("1.5.3"), invalid("[-]"), invalid("[1e]"), invalid("[01]"),
				// strings
				invalid("\"abc"), invalid("\""), invalid("\"\\"), invalid("\"\\x\""), invalid("\"\\'\""),
				invalid("\"\\u12G4\""), invalid("\"\\u12\""), invalid("\"\\u12"), invalid("\"\\U0041\""),
				invalid(bytes(0x22, 0x01, 0x22)), invalid(bytes(0x22, 0x0A, 0x22)), invalid(bytes(0x22, 0x1F, 0x22)),
				invalid(bytes(0x7B, 0x22, 0x09, 0x22, 0x3A, 0x31, 0x7D)),
				// property names, which Jackson decodes: escaped surrogates only in pairs
				valid("{\"\\uD83D\\uDE00\":1}"), valid("{\"a\\uDBFF\\uDFFFb\":1}"), valid("[\"\\uDC00\\uD800\"]"),
				invalid("{\"\\uD800\":1}"), invalid("{\"\\uD800x\":1}"), invalid("{\"\\uDC00\":1}"),
				invalid("{\"\\uD800\\uD800\":1}"), invalid("{\"\\uD800\\n\":1}"), invalid("{\"\\uD800\\u0041\":1}"),
				invalid("{\"\\uD800\\u"), invalid("{\"\\uD800\\uDC0G\":1}"), invalid("{\"\\uDC00\\uD800\":1}"),
				// whitespace other than space, tab, line feed and carriage return
				invalid(bytes(0x0C, 0x31)), invalid(bytes(0x31, 0x0B)),
				invalid(bytes(0x31, 0xC2, 0xA0)), invalid(bytes(0x5B, 0x31, 0x5D, 0x00)),
				// malformed UTF-8 that Jackson refuses too
				invalid(bytes(0x22, 0x80, 0x22)), invalid(bytes(0x22, 0xBF, 0x22)), invalid(bytes(0x22, 0xF8, 0x22)),
				invalid(bytes(0x22, 0xFF, 0x22)), invalid(bytes(0x22, 0xC3, 0x22)), invalid(bytes(0x22, 0xC3)),
				invalid(bytes(0x22, 0xE2, 0x82, 0x22)), invalid(bytes(0x22, 0xF0, 0x9F, 0x98, 0x22)),
				invalid(bytes(0x22, 0xC3, 0xC3, 0x22)), invalid(bytes(0xC3, 0xA9)),
				// malformed UTF-8 that only Jackson lets through (it never writes it)
				stricter(bytes(0x22, 0xC0, 0x80, 0x22)), stricter(bytes(0x22, 0xC1, 0xBF, 0x22)),
				stricter(bytes(0x22, 0xE0, 0x80, 0x80, 0x22)), stricter(bytes(0x22, 0xE0, 0x9F, 0xBF, 0x22)),
				stricter(bytes(0x22, 0xED, 0xA0, 0x80, 0x22)), stricter(bytes(0x22, 0xED, 0xBF, 0xBF, 0x22)),
				stricter(bytes(0x22, 0xF0, 0x80, 0x80, 0x80, 0x22)), stricter(bytes(0x22, 0xF0, 0x8F, 0xBF, 0xBF, 0x22)),
				stricter(bytes(0x22, 0xF4, 0x90, 0x80, 0x80, 0x22)), stricter(bytes(0x22, 0xF5, 0x80, 0x80, 0x80, 0x22)),
				stricter(bytes(0x22, 0xF7, 0xBF, 0xBF, 0xBF, 0x22)),
				stricter(bytes(0x7B, 0x22, 0xC0, 0x80, 0x22, 0x3A, 0x31, 0x7D)),
				// other encodings than UTF-8, which Jackson detects
				stricter(bytes(0xEF, 0xBB, 0xBF, 0x31)), stricter(bytes(0x31, 0x00)),
				stricter(bytes(0x00, 0x5B, 0x00, 0x5D)), stricter(bytes(0x5B, 0x00, 0x5D, 0x00)),
				stricter(bytes(0xFE, 0xFF, 0x00, 0x31)), stricter(bytes(0x00, 0x00, 0x00, 0x31)));
	}

	@ParameterizedTest(name = "[{index}] {0}")
	@MethodSource("cases")
	void checksAsJacksonDoes(String description, byte[] json, String expected, boolean jacksonAccepts) {
		String problem = this.syntax.problemWith(json);
		if (expected == VALID) {
			assertThat(problem).isNull();
		}
		else {
			assertThat(problem).startsWith(expected);
		}
		if (jacksonAccepts) {
			assertThat(this.jackson.problemWith(json)).isNull();
		}
		else {
			assertThat(this.jackson.problemWith(json) == null).isEqualTo(problem == null);
		}
	}

	@Test
	void nestingUpToTheLimitIsAcceptedForArraysObjectsAndBothMixed() {
		for (int depth : new int[] { 1, 63, 64, 65, 127, 128, 129, 499, 500 }) {
			assertThat(this.syntax.problemWith(nested(depth, "[", "]"))).isNull();
			assertThat(this.syntax.problemWith(objects(depth))).isNull();
			assertThat(this.syntax.problemWith(mixed(depth))).isNull();
		}
		assertThat(this.syntax.problemWith(nested(501, "[", "]")))
			.isEqualTo("over a JSON parsing limit: Document nesting depth (501) exceeds the maximum allowed (500, "
					+ "from `StreamReadConstraints.getMaxNestingDepth()`); nest it less deeply or shorten its numbers "
					+ "and strings");
		assertThat(this.syntax.problemWith(objects(501))).startsWith(LIMIT + "Document nesting depth (501)");
		assertThat(this.syntax.problemWith(mixed(501))).startsWith(LIMIT + "Document nesting depth (501)");
	}

	@Test
	void closingMarkersMustMatchAtEveryDepth() {
		for (int depth : new int[] { 1, 64, 65, 200, 500 }) {
			String json = new String(mixed(depth), StandardCharsets.US_ASCII);
			for (int swap : new int[] { 0, depth / 2, depth - 1 }) {
				int at = json.length() - 1 - swap;
				char closing = json.charAt(at);
				String broken = json.substring(0, at) + ((closing == ']') ? '}' : ']') + json.substring(at + 1);
				assertThat(this.syntax.problemWith(broken.getBytes(StandardCharsets.US_ASCII))).startsWith(INVALID);
				assertThat(this.jackson.problemWith(broken.getBytes(StandardCharsets.US_ASCII))).startsWith(INVALID);
			}
		}
	}

	@Test
	void numbersAreMeasuredInDigitsAsJacksonDoes() {
		JsonSyntax syntax = new JsonSyntax(500, 10, 100, 100);
		JacksonJsonCheck jackson = new JacksonJsonCheck(500, 10, 100);
		for (String number : List.of("1234567890", "-1234567890", "1.234567890", "-1.23456789e+0", "1e123456789",
				"0.000000000", "12345678901", "1.2345678901", "1e1234567890", "-0.0000000000", "1.2e-123456789")) {
			byte[] json = json("[" + number + "]");
			String problem = syntax.problemWith(json);
			assertThat(problem).as(number).isEqualTo(jackson.problemWith(json));
			if (problem != null) {
				assertThat(problem).startsWith(LIMIT + "Number value length (11) exceeds the maximum allowed (10, from");
			}
		}
	}

	@Test
	void propertyNamesAreMeasuredInUtf8BytesAsJacksonDoes() {
		JsonSyntax syntax = new JsonSyntax(500, 10, 100, 6);
		JacksonJsonCheck jackson = new JacksonJsonCheck(500, 10, 6);
		for (String name : List.of("abcdef", "abcdefg", "\u00e9\u00e9\u00e9", "\u00e9\u00e9\u00e9a", "\u20ac\u20ac",
				"\u20ac\u20aca", "\uD83D\uDE00", "\uD83D\uDE00\u00e9", "\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041",
				"\\u00e9\\u00e9\\u00e9\\u00e9", "\\n\\t\\r\\b\\f\\/\\\"", "\\u20ac\\u20ac", "\\u20ac\\u20ac\\n",
				"\\uD83D\\uDE00ab", "\\uD83D\\uDE00abc")) {
			byte[] json = json("{\"" + name + "\":1}");
			String problem = syntax.problemWith(json);
			assertThat(problem).as(name).isEqualTo(jackson.problemWith(json));
		}
		assertThat(syntax.problemWith(json("{\"abcdefg\":1}")))
			.startsWith(LIMIT + "Name length (7) exceeds the maximum allowed (6, from");
	}

	@Test
	void stringValuesAreMeasuredInUtf16CharactersAsJacksonDecodesThem() {
		JsonSyntax syntax = new JsonSyntax(500, 10, 4, 100);
		JsonMapper mapper = JsonMapper.builder().build();
		for (String value : List.of("abcd", "\u00e9\u00e9\u00e9\u00e9", "\u20ac\u20ac\u20ac\u20ac", "\uD83D\uDE00\uD83D\uDE00",
				"\n\t\"\\", "\u0001\u0002ab")) {
			assertThat(syntax.problemWith(mapper.writeValueAsBytes(value))).as(value).isNull();
			assertThat(syntax.problemWith(mapper.writeValueAsBytes(value + "x"))).as(value)
				.isEqualTo(LIMIT + "String value length (" + (value.length() + 1) + ") exceeds the maximum allowed (4, "
						+ "from `StreamReadConstraints.getMaxStringLength()`); nest it less deeply or shorten its "
						+ "numbers and strings");
		}
		assertThat(syntax.problemWith(json("{\"long name\":\"abcd\"}"))).isNull();
	}

	@Test
	void everythingJsonMapperWritesIsAccepted() {
		JsonMapper mapper = JsonMapper.builder().build();
		StringBuilder allChars = new StringBuilder();
		for (char c = 0; c < 0x3000; c++) {
			allChars.append(c);
		}
		allChars.append("\uFEFF \uFFFE \uFFFF \uD83D\uDE00 \uDBFF\uDFFF \u2028");
		String loneSurrogates = "\uD800 \uDBFF \uDC00 \uDFFF \uDC00\uD800 x\uD800";
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("", "");
		map.put(allChars.toString(), allChars.toString() + loneSurrogates);
		map.put("\u0000\"\\/\b\f\n\r\t", List.of());
		map.put("emoji \uD83D\uDE00", Map.of());
		map.put("null", null);
		List<Object> values = new ArrayList<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, 0, -0.0,
				Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, Float.MIN_VALUE, Float.MAX_VALUE,
				Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, new BigDecimal("1E+999"),
				new BigDecimal("-1.5E-999"), new BigDecimal("0." + "1".repeat(998)), new BigInteger("9".repeat(1000)),
				new BigInteger("-" + "9".repeat(1000)), true, false, 'x', '\u0000', "", allChars.toString(),
				new byte[] { 1, 2, 3, -1 }, new int[] { 1, 2 }, new char[] { 'a', '"' }, List.of(Optional.empty()), map,
				Arrays.asList(1, null, "x"), new Sample("n\u00e9\uD83D\uDE00", 12345678901L, 1.5, List.of(map), null),
				new StringBuilder("sb"), Map.of(1, "int key"), deepList(500), deepMap(500)));
		values.add(new ArrayList<>(values.subList(0, 20)));
		for (Object value : values) {
			byte[] json = mapper.writeValueAsBytes(value);
			assertThat(this.syntax.problemWith(json)).as(describe(json)).isNull();
			byte[] pretty = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
			assertThat(this.syntax.problemWith(pretty)).as(describe(pretty)).isNull();
		}
	}

	@Test
	void propertyNameWithAnUnpairedSurrogateIsRefusedAsJacksonCannotReadIt() {
		// the one thing JsonMapper writes that is refused: Jackson's parser refuses it too,
		// so such a value could never be decoded
		JsonMapper mapper = JsonMapper.builder().build();
		for (String name : List.of("\uD800", "\uDC00", "a\uDBFFb", "\uDC00\uD800")) {
			byte[] json = mapper.writeValueAsBytes(Map.of(name, 1));
			assertThat(this.syntax.problemWith(json)).as(describe(json)).startsWith(INVALID);
			assertThat(this.jackson.problemWith(json)).as(describe(json)).startsWith(INVALID);
			assertThat(this.syntax.problemWith(mapper.writeValueAsBytes(Map.of("k", name)))).isNull();
		}
	}

	@Test
	void problemsSayWhereTheyAre() {
		assertThat(this.syntax.problemWith(json("[1,\n2 x]")))
			.isEqualTo("not valid JSON: Unexpected character 'x' at byte 6: expected ',' or ']'");
		assertThat(this.syntax.problemWith(json("{\"a\":1")))
			.isEqualTo("not valid JSON: Unexpected end of input at byte 6: expected ',' or '}'");
		assertThat(this.syntax.problemWith(bytes(0x22, 0xED, 0xA0, 0x80, 0x22)))
			.isEqualTo("not valid JSON: Invalid UTF-8 byte 0xA0 at byte 2");
		assertThat(this.syntax.problemWith(bytes(0x22, 0x01, 0x22)))
			.isEqualTo("not valid JSON: Unescaped control character (code 1) in a string at byte 1");
	}

	record Sample(String name, long count, double ratio, List<Object> items, String absent) {
	}

	private static Object deepList(int depth) {
		Object value = List.of("leaf");
		for (int i = 1; i < depth; i++) {
			value = List.of(value);
		}
		return value;
	}

	private static Object deepMap(int depth) {
		Object value = Map.of("leaf", 1);
		for (int i = 1; i < depth; i++) {
			value = (i % 2 == 0) ? Map.of("k", value) : List.of(1, value);
		}
		return value;
	}

	private static byte[] nested(int depth, String open, String close) {
		return json(open.repeat(depth) + close.repeat(depth));
	}

	private static byte[] objects(int depth) {
		return json("{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1));
	}

	private static byte[] mixed(int depth) {
		StringBuilder open = new StringBuilder();
		StringBuilder close = new StringBuilder();
		for (int i = 0; i < depth; i++) {
			boolean object = (i % 3 == 1) || (i > 64 && i % 2 == 0);
			open.append(object ? "{\"k\":" : "[0,");
			close.insert(0, object ? "}" : "]");
		}
		return json(open.toString() + "1" + close);
	}

	private static Arguments valid(String json) {
		return valid(json(json));
	}

	private static Arguments valid(byte[] json) {
		return Arguments.of(describe(json), json, VALID, false);
	}

	private static Arguments invalid(String json) {
		return refused(json, INVALID);
	}

	private static Arguments invalid(byte[] json) {
		return Arguments.of(describe(json), json, INVALID, false);
	}

	private static Arguments refused(String json, String expected) {
		return Arguments.of(describe(json(json)), json(json), expected, false);
	}

	private static Arguments stricter(byte[] json) {
		return Arguments.of(describe(json), json, INVALID, true);
	}

	private static byte[] bytes(int... values) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int value : values) {
			out.write(value);
		}
		return out.toByteArray();
	}

	private static byte[] json(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String describe(byte[] json) {
		StringBuilder description = new StringBuilder();
		for (byte b : json) {
			int c = b & 0xFF;
			description.append((c >= 0x20 && c < 0x7F) ? String.valueOf((char) c) : String.format("<%02X>", c));
			if (description.length() > 300) {
				return description.append("...").toString();
			}
		}
		return description.toString();
	}

}
