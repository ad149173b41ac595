package io.globalval.core;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;

/**
 * The check {@link JsonSyntax} replaced, kept as the oracle of the differential tests:
 * a Jackson parser with the same limits reads the first token and skips the rest. Like
 * it, it never checks the length of string values (skipped strings are not measured),
 * only that of property names.
 */
final class JacksonJsonCheck {

	private final JsonFactory factory;

	JacksonJsonCheck(int maxNestingDepth, int maxNumberLength, int maxNameLength) {
		this.factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder()
				.maxNestingDepth(maxNestingDepth)
				.maxNumberLength(maxNumberLength)
				.maxNameLength(maxNameLength)
				.build())
			.build();
	}

	String problemWith(byte[] json) {
		try (JsonParser parser = this.factory.createParser(ObjectReadContext.empty(), json)) {
			JsonToken first = parser.nextToken();
			if (first == null) {
				return "empty";
			}
			if (first == JsonToken.VALUE_NULL) {
				return "JSON null (use delete to remove a key)";
			}
			parser.skipChildren();
			if (parser.nextToken() != null) {
				return "more than one JSON value";
			}
			return null;
		}
		catch (StreamConstraintsException ex) {
			return "over a JSON parsing limit: " + ex.getOriginalMessage()
					+ "; nest it less deeply or shorten its numbers and strings";
		}
		catch (JacksonException ex) {
			return "not valid JSON: " + ex.getOriginalMessage();
		}
	}

}
