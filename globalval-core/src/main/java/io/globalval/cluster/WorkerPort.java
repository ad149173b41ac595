package io.globalval.cluster;

import java.util.Objects;

/**
 * A port property that every worker gets on its command line, as
 * {@code --<property>=<port>}: worker i listens on {@code first + i - 1}. A first port of
 * 0 (any free port) or below (-1: no listener) is given to every worker as it is.
 *
 * @param property the property, e.g. {@code server.port}
 * @param first the port of worker 1
 */
public record WorkerPort(String property, int first) {

	/**
	 * Check the property.
	 */
	public WorkerPort {
		Objects.requireNonNull(property, "'property' must not be null");
		if (property.isBlank()) {
			throw new IllegalArgumentException("'property' must not be blank");
		}
	}

	/**
	 * Return the port of one worker.
	 * @param index the worker's index, from 1
	 * @return its port
	 */
	public int port(int index) {
		return (this.first > 0) ? this.first + index - 1 : this.first;
	}

	/**
	 * Return the command-line argument that gives one worker its port; command-line
	 * arguments outrank every other property source of a Spring Boot application.
	 * @param index the worker's index, from 1
	 * @return {@code --<property>=<port>}
	 */
	public String argument(int index) {
		return "--" + this.property + "=" + port(index);
	}

}
