package io.globalval.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.globalval.GlobalValRejectedException;
import io.globalval.GlobalValTimeoutException;
import io.globalval.history.Anomaly;
import io.globalval.history.Command;
import io.globalval.history.History;
import io.globalval.history.HistoryChecker;
import io.globalval.history.Result;
import io.globalval.history.WriteId;

/**
 * What the simulated clients did and saw: every operation with its invoke and complete
 * times, its outcome (acknowledged, definitely failed, or unknown) and its result.
 */
final class SimHistory {

	private final List<Operation> operations = new ArrayList<>();

	List<Operation> operations() {
		return this.operations;
	}

	Operation invoke(Incarnation incarnation, Kind kind, String key, String value, String expected, long delta,
			long origin, long seq, long now) {
		Operation op = new Operation(this.operations.size() + 1, incarnation, kind, key, value, expected, delta, origin,
				seq, now);
		this.operations.add(op);
		return op;
	}

	void read(Incarnation incarnation, String key, String value, long revisionBefore, long revisionAfter, long now) {
		Operation op = new Operation(this.operations.size() + 1, incarnation, Kind.READ, key, null, null, 0, 0, 0, now);
		op.readValue = value;
		op.revisionBefore = revisionBefore;
		op.revisionAfter = revisionAfter;
		op.complete = now;
		op.outcome = Outcome.OK;
		this.operations.add(op);
	}

	void complete(Operation op, Object result, Throwable ex, long now) {
		op.complete = now;
		if (ex == null) {
			op.outcome = Outcome.OK;
			op.result = result;
			return;
		}
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		op.failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
		boolean definite = cause instanceof GlobalValRejectedException
				|| (cause instanceof GlobalValTimeoutException && String.valueOf(cause.getMessage()).contains("was not sent"));
		op.outcome = definite ? Outcome.FAIL : Outcome.UNKNOWN;
	}

	/**
	 * Check what the clients saw and what every incarnation applied with the
	 * {@link HistoryChecker}.
	 * @param incarnations every incarnation of the run; the live ones give their final state
	 * @return the anomalies, none if the history is correct
	 */
	List<Anomaly> check(List<Incarnation> incarnations) {
		History.Builder history = History.builder();
		for (Operation op : this.operations) {
			if (op.kind == Kind.READ && op.revisionAfter >= op.incarnation.log.lostFrom) {
				// read from a dead master's tail that no other process ever had
				continue;
			}
			history.operations(op.toHistory());
		}
		for (Incarnation incarnation : incarnations) {
			history.nodeLogs(incarnation.log.toHistory(incarnation.alive));
		}
		return HistoryChecker.check(history.build());
	}

	/** What a client did. */
	enum Kind {

		SET, DELETE, COMPARE_AND_SET, INCREMENT, READ

	}

	/** How it ended: acknowledged, definitely failed, unknown, or not yet. */
	enum Outcome {

		PENDING, OK, FAIL, UNKNOWN

	}

	/** One client operation. */
	static final class Operation {

		final int id;

		final Incarnation incarnation;

		final Kind kind;

		final String key;

		final String value;

		final String expected;

		final long delta;

		final long origin;

		final long seq;

		final long invoke;

		long complete = -1;

		Outcome outcome = Outcome.PENDING;

		Object result;

		String failure;

		String readValue;

		long revisionBefore;

		long revisionAfter;

		Operation(int id, Incarnation incarnation, Kind kind, String key, String value, String expected, long delta,
				long origin, long seq, long invoke) {
			this.id = id;
			this.incarnation = incarnation;
			this.kind = kind;
			this.key = key;
			this.value = value;
			this.expected = expected;
			this.delta = delta;
			this.origin = origin;
			this.seq = seq;
			this.invoke = invoke;
		}

		io.globalval.history.Operation toHistory() {
			String client = this.incarnation.name;
			WriteId id = WriteId.of(this.origin, this.seq);
			Command command = switch (this.kind) {
				case SET -> Command.set(this.key, this.value, id);
				case DELETE -> Command.delete(this.key, id);
				case COMPARE_AND_SET -> Command.compareAndSet(this.key, this.expected, this.value, id);
				case INCREMENT -> Command.increment(this.key, this.delta, id);
				case READ -> Command.read(this.key);
			};
			if (this.outcome == Outcome.OK) {
				Result answer = switch (this.kind) {
					case SET -> Result.revision((Long) this.result);
					case DELETE, COMPARE_AND_SET -> Result.applied((Boolean) this.result);
					case INCREMENT -> Result.counter((Long) this.result);
					case READ -> Result.read(this.readValue, this.revisionBefore, this.revisionAfter);
				};
				return io.globalval.history.Operation.ok(client, client, command, this.invoke, this.complete, answer);
			}
			if (this.outcome == Outcome.FAIL) {
				return io.globalval.history.Operation.failed(client, client, command, this.invoke, this.complete);
			}
			return io.globalval.history.Operation.unknown(client, client, command, this.invoke,
					(this.complete >= 0) ? this.complete : io.globalval.history.Operation.NEVER);
		}

		String describe() {
			String what = switch (this.kind) {
				case SET -> "set(" + this.key + ", " + this.value + ")";
				case DELETE -> "delete(" + this.key + ")";
				case COMPARE_AND_SET -> "compareAndSet(" + this.key + ", " + this.expected + ", " + this.value + ")";
				case INCREMENT -> "increment(" + this.key + ", " + this.delta + ")";
				case READ -> "get(" + this.key + ")";
			};
			return "#" + this.id + " " + what + " [write " + this.origin + "/" + this.seq + "]";
		}

	}

}
