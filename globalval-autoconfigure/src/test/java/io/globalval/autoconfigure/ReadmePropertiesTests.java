package io.globalval.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property the README's property tables list exists in the configuration metadata
 * that IDEs and Spring Boot read, and every property in the metadata is in the README.
 */
class ReadmePropertiesTests {

	private static final String TABLE_HEADER = "| property | default | meaning |";

	@Test
	void readmeAndMetadataListTheSameProperties() throws IOException {
		assertThat(readmeProperties()).as("properties in the README's tables, against the metadata")
			.containsExactlyInAnyOrderElementsOf(metadataProperties());
	}

	/** The first cell of every row of the README's property tables, wildcard rows left out. */
	private static Set<String> readmeProperties() throws IOException {
		List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
		Set<String> properties = new TreeSet<>();
		boolean inTable = false;
		for (String line : lines) {
			if (line.equals(TABLE_HEADER)) {
				inTable = true;
			}
			else if (!line.startsWith("|")) {
				inTable = false;
			}
			else if (inTable && line.startsWith("| `")) {
				String name = line.substring(3, line.indexOf('`', 3));
				if (!name.endsWith(".*")) {
					properties.add(name);
				}
			}
		}
		assertThat(properties).as("property rows found in README.md").isNotEmpty();
		return properties;
	}

	private static Set<String> metadataProperties() throws IOException {
		Set<String> properties = new TreeSet<>();
		for (String file : List.of("META-INF/spring-configuration-metadata.json",
				"META-INF/additional-spring-configuration-metadata.json")) {
			try (InputStream in = ReadmePropertiesTests.class.getClassLoader().getResourceAsStream(file)) {
				if (in == null) {
					continue;
				}
				JsonNode listed = JsonMapper.builder().build().readTree(in).path("properties");
				listed.forEach((property) -> properties.add(property.path("name").asString()));
			}
		}
		return properties;
	}

}
