package io.globalval.sample;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.globalval.GlobalValTemplate;

/**
 * The global values over HTTP, on every process. Every answer says which process
 * answered; writes answer with the revision of the change, which a read on another
 * process can wait for with {@code ?revision=} (read-your-writes across processes).
 */
@RestController
@RequestMapping("/values")
class ValuesController {

	private static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(5);

	private final GlobalValTemplate globalVals;

	private final Environment environment;

	ValuesController(GlobalValTemplate globalVals, Environment environment) {
		this.globalVals = globalVals;
		this.environment = environment;
	}

	@GetMapping
	Map<String, Object> list(@RequestParam(required = false) Long revision) {
		awaitRevision(revision);
		Map<String, Object> answer = answer();
		answer.put("values", this.globalVals.entries());
		return answer;
	}

	@GetMapping("/{key}")
	ResponseEntity<Map<String, Object>> get(@PathVariable String key, @RequestParam(required = false) Long revision) {
		awaitRevision(revision);
		Object value = this.globalVals.get(key);
		Map<String, Object> answer = answer();
		answer.put("key", key);
		answer.put("value", value);
		return ResponseEntity.status((value != null) ? HttpStatus.OK : HttpStatus.NOT_FOUND).body(answer);
	}

	@PutMapping("/{key}")
	Map<String, Object> put(@PathVariable String key, @RequestBody Object value) {
		long revision = this.globalVals.set(key, value).join();
		Map<String, Object> answer = answer();
		answer.put("key", key);
		answer.put("value", value);
		answer.put("changeRevision", revision);
		return answer;
	}

	@DeleteMapping("/{key}")
	Map<String, Object> delete(@PathVariable String key) {
		boolean deleted = this.globalVals.delete(key).join();
		Map<String, Object> answer = answer();
		answer.put("key", key);
		answer.put("deleted", deleted);
		return answer;
	}

	@PostMapping("/{key}/increment")
	Map<String, Object> increment(@PathVariable String key, @RequestParam(defaultValue = "1") long delta) {
		long value = this.globalVals.increment(key, delta).join();
		Map<String, Object> answer = answer();
		answer.put("key", key);
		answer.put("value", value);
		answer.put("changeRevision", this.globalVals.revision());
		return answer;
	}

	private void awaitRevision(Long revision) {
		if (revision != null) {
			this.globalVals.awaitRevision(revision).orTimeout(AWAIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
		}
	}

	/** The process that answers: every answer starts with it. */
	private Map<String, Object> answer() {
		Map<String, Object> process = new LinkedHashMap<>();
		process.put("pid", ProcessHandle.current().pid());
		process.put("role", this.globalVals.role());
		process.put("port", this.environment.getProperty("local.server.port", Integer.class));
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("process", process);
		answer.put("revision", this.globalVals.revision());
		return answer;
	}

}
