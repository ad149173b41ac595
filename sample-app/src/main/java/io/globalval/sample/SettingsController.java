package io.globalval.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The sample's settings as this process has them bound now: after
 * {@code PUT /values/config.sample.greeting} on any process, every process answers with
 * the new greeting (live configuration).
 */
@RestController
class SettingsController {

	private final SampleSettings settings;

	private final Environment environment;

	SettingsController(SampleSettings settings, Environment environment) {
		this.settings = settings;
		this.environment = environment;
	}

	@GetMapping("/settings")
	Map<String, Object> settings() {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("pid", ProcessHandle.current().pid());
		answer.put("port", this.environment.getProperty("local.server.port", Integer.class));
		answer.put("greeting", this.settings.getGreeting());
		answer.put("maxItems", this.settings.getMaxItems());
		return answer;
	}

}
