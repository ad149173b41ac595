package io.globalval.sample;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.globalval.event.GlobalValChangedEvent;
import io.globalval.event.GlobalValRoleEvent;

/**
 * Logs what happens to the application's global values, in this process.
 */
@Component
class ChangeLogger {

	private static final Logger logger = LoggerFactory.getLogger(ChangeLogger.class);

	@EventListener
	void onRole(GlobalValRoleEvent event) {
		logger.info("globalval '{}': this process is {}", event.getName(), event.getRole());
	}

	@EventListener
	void onChange(GlobalValChangedEvent event) {
		logger.info("{} is now {} (revision {}, {})", event.getKey(), event.isDeleted() ? "deleted" : event.getValue(),
				event.getRevision(), event.isLocal() ? "set here" : "set by node " + event.getOrigin());
	}

	@EventListener(condition = "#event.key == 'greeting' && !#event.deleted")
	void onGreeting(GlobalValChangedEvent event) {
		// any JSON value: the README's walk-through sets an object, so no String conversion here
		logger.info("Greeting: {}", event.getValue());
	}

}
