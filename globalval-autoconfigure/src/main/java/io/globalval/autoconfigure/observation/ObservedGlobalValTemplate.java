package io.globalval.autoconfigure.observation;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import io.globalval.GlobalValConnectionException;
import io.globalval.GlobalValTemplate;
import io.globalval.GlobalValTimeoutException;

/**
 * A {@link GlobalValTemplate} that wraps each write of another template in an
 * {@link Observation} named {@value #NAME}. Its low-cardinality tags are
 * {@code operation} ({@code set}, {@code delete}, {@code compareAndSet},
 * {@code increment}, {@code broadcast}), {@code outcome} ({@code success};
 * {@code unknown} when the write timed out or lost its connection and may still be
 * applied; {@code failure} otherwise) and {@code transport}. The observation stops when
 * the write's future completes. Reads and typed handles work as with the wrapped
 * template; handles write through this one. Immutable and thread-safe.
 */
public class ObservedGlobalValTemplate extends GlobalValTemplate {

	/**
	 * Name of the observation of a write.
	 */
	public static final String NAME = "globalval.write";

	private final GlobalValTemplate delegate;

	private final ObservationRegistry registry;

	private final String transport;

	/**
	 * Create a template that observes the writes of another.
	 * @param delegate the template that writes
	 * @param registry the registry of the observations
	 * @param transport the transport's name for the {@code transport} tag, such as
	 * {@code uds}
	 */
	public ObservedGlobalValTemplate(GlobalValTemplate delegate, ObservationRegistry registry, String transport) {
		super(Objects.requireNonNull(delegate, "'delegate' must not be null").getNode());
		this.delegate = delegate;
		this.registry = Objects.requireNonNull(registry, "'registry' must not be null");
		this.transport = Objects.requireNonNull(transport, "'transport' must not be null");
	}

	@Override
	public CompletableFuture<Long> set(String key, Object value) {
		return observe("set", () -> this.delegate.set(key, value));
	}

	@Override
	public CompletableFuture<Boolean> delete(String key) {
		return observe("delete", () -> this.delegate.delete(key));
	}

	@Override
	public CompletableFuture<Boolean> compareAndSet(String key, Object expected, Object update) {
		return observe("compareAndSet", () -> this.delegate.compareAndSet(key, expected, update));
	}

	@Override
	public CompletableFuture<Long> increment(String key, long delta) {
		return observe("increment", () -> this.delegate.increment(key, delta));
	}

	@Override
	public CompletableFuture<Void> broadcast() {
		return observe("broadcast", this.delegate::broadcast);
	}

	private <T> CompletableFuture<T> observe(String operation, Supplier<CompletableFuture<T>> write) {
		Observation observation = Observation.createNotStarted(NAME, this.registry)
			.contextualName("globalval " + operation)
			.lowCardinalityKeyValue("operation", operation)
			.lowCardinalityKeyValue("transport", this.transport)
			.start();
		CompletableFuture<T> future;
		try (Observation.Scope scope = observation.openScope()) {
			future = write.get();
		}
		catch (RuntimeException ex) {
			stop(observation, ex);
			throw ex;
		}
		return future.whenComplete((result, failure) -> stop(observation, failure));
	}

	private static void stop(Observation observation, Throwable failure) {
		if (failure != null) {
			observation.error(unwrap(failure));
		}
		observation.lowCardinalityKeyValue("outcome", outcome(failure)).stop();
	}

	static String outcome(Throwable failure) {
		if (failure == null) {
			return "success";
		}
		Throwable cause = unwrap(failure);
		return (cause instanceof GlobalValTimeoutException || cause instanceof GlobalValConnectionException)
				? "unknown" : "failure";
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
