package io.globalval.simulation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.globalval.GlobalValRejectedException;
import io.globalval.GlobalValTimeoutException;

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
			int origin, long seq, long now) {
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
	 * Check the writes against the one history every node applied.
	 * @return the first anomaly, or {@code null}
	 */
	String check(Map<Long, NodeLog.Change> reference, List<Incarnation> incarnations, NodeLog finalLog) {
		Map<String, Long> revisionOfWrite = new HashMap<>();
		for (NodeLog.Change change : reference.values()) {
			if (change.origin() <= 0) {
				continue;
			}
			Long other = revisionOfWrite.put(change.origin() + "/" + change.seq(), change.revision());
			if (other != null) {
				return "DUPLICATE: write " + change.origin() + "/" + change.seq() + " applied at revisions " + other
						+ " and " + change.revision();
			}
		}
		long appliedIncrements = 0;
		for (NodeLog.Change change : reference.values()) {
			if (Simulation.COUNTER.equals(change.key())) {
				appliedIncrements++;
			}
		}
		long acknowledged = 0;
		long unknown = 0;
		for (Operation op : this.operations) {
			if (op.kind == Kind.READ) {
				continue;
			}
			Long revision = revisionOfWrite.get(op.origin + "/" + op.seq);
			boolean changedSomething = op.kind == Kind.SET || op.kind == Kind.INCREMENT
					|| Boolean.TRUE.equals(op.result);
			if (op.outcome == Outcome.OK && changedSomething && revision == null) {
				return "LOST WRITE: " + op.describe() + " was acknowledged (" + op.result + ") but no process applied it";
			}
			if (op.outcome == Outcome.OK && !changedSomething && revision != null) {
				return "WRONG RESULT: " + op.describe() + " reported it changed nothing but was applied at revision "
						+ revision;
			}
			if (op.outcome == Outcome.FAIL && revision != null) {
				return "FAILED WRITE APPLIED: " + op.describe() + " failed definitely (" + op.failure
						+ ") but was applied at revision " + revision;
			}
			if (op.outcome == Outcome.OK && op.kind == Kind.SET && !op.result.equals(revision)) {
				return "WRONG RESULT: " + op.describe() + " reported revision " + op.result + " but was applied at "
						+ revision;
			}
			if (revision != null && op.kind == Kind.SET && !op.value.equals(reference.get(revision).value())) {
				return "SIMULATOR: write id " + op.origin + "/" + op.seq + " of " + op.describe() + " applied "
						+ reference.get(revision) + "; the predicted sequence number is wrong";
			}
			if (op.kind == Kind.INCREMENT) {
				if (op.outcome == Outcome.OK) {
					acknowledged++;
				}
				else if (op.outcome != Outcome.FAIL) {
					unknown++;
				}
			}
		}
		if (appliedIncrements < acknowledged || appliedIncrements > acknowledged + unknown) {
			return "COUNTER: " + appliedIncrements + " increments applied, " + acknowledged + " acknowledged, " + unknown
					+ " unknown";
		}
		return null;
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

		final int origin;

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
				int origin, long seq, long invoke) {
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
