package io.globalval.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks client writes against the reference history: acknowledged writes that
 * are missing, failed writes that were applied, writes applied twice, and
 * answers or applied content that contradict the history. One hash lookup per
 * write.
 */
final class WriteChecks {

	private final ReferenceHistory reference;

	WriteChecks(ReferenceHistory reference) {
		this.reference = reference;
	}

	/**
	 * Find acknowledged changes that are provably not in the history. A write is
	 * provably missing when its reported revision holds another change or was never
	 * reached, or, without a reported revision, when the history has no gap. With no
	 * node log at all nothing is judged lost.
	 * @param operations the operations
	 * @return {@link AnomalyKind#LOST_WRITE} anomalies
	 */
	List<Anomaly> lostWrites(List<Operation> operations) {
		List<Anomaly> anomalies = new ArrayList<>();
		for (Operation operation : operations) {
			if (this.reference.hasLogs() && operation.isAcknowledgedChange()
					&& this.reference.revisionOf(operation.writeId()) == 0) {
				String proof = proofOfLoss(operation.result());
				if (proof != null) {
					anomalies.add(new Anomaly(AnomalyKind.LOST_WRITE, operation + " is not in the history: " + proof));
				}
			}
		}
		return anomalies;
	}

	private String proofOfLoss(Result result) {
		long highest = this.reference.highestRevision();
		if (!result.hasRevision()) {
			return this.reference.hasEveryChange() ? "no log has it and the logs cover revisions 1.." + highest : null;
		}
		Change change = this.reference.changeAt(result.revision());
		if (change != null) {
			return "revision " + result.revision() + " holds " + change;
		}
		if (result.revision() > highest) {
			return "no node reached revision " + result.revision() + " (highest is " + highest + ")";
		}
		return null;
	}

	/**
	 * Find writes that definitely failed but are in the history.
	 * @param operations the operations
	 * @return {@link AnomalyKind#FAILED_WRITE_APPLIED} anomalies
	 */
	List<Anomaly> failedWritesApplied(List<Operation> operations) {
		List<Anomaly> anomalies = new ArrayList<>();
		for (Operation operation : operations) {
			if (operation.outcome() == Outcome.FAIL && operation.writeId() != null) {
				long revision = this.reference.revisionOf(operation.writeId());
				if (revision != 0) {
					anomalies.add(new Anomaly(AnomalyKind.FAILED_WRITE_APPLIED,
							operation + " was applied at revision " + revision + " although it failed"));
				}
			}
		}
		return anomalies;
	}

	/**
	 * Find write ids that appear at more than one revision.
	 * @param writers the operation of each write id, for the messages
	 * @return {@link AnomalyKind#DUPLICATE_APPLY} anomalies
	 */
	List<Anomaly> duplicateApplies(Map<WriteId, Operation> writers) {
		List<Anomaly> anomalies = new ArrayList<>();
		this.reference.duplicateWrites().forEach((writeId, revisions) -> {
			Operation writer = writers.get(writeId);
			String write = (writer != null) ? writer.toString() : "Write " + writeId + " (no recorded operation)";
			anomalies.add(new Anomaly(AnomalyKind.DUPLICATE_APPLY, write + " was applied at revisions " + revisions));
		});
		return anomalies;
	}

	/**
	 * Find writes whose answer contradicts the history (reported revision, boolean
	 * answer, counter value) or whose applied change is not what the client sent.
	 * @param operations the operations
	 * @return {@link AnomalyKind#WRONG_RESULT} anomalies
	 */
	List<Anomaly> wrongResults(List<Operation> operations) {
		List<Anomaly> anomalies = new ArrayList<>();
		for (Operation operation : operations) {
			long revision = (operation.writeId() != null) ? this.reference.revisionOf(operation.writeId()) : 0;
			if (revision == 0) {
				continue;
			}
			List<String> problems = new ArrayList<>(0);
			checkAppliedContent(operation, revision, problems);
			if (operation.outcome() == Outcome.OK) {
				checkAnswer(operation, revision, problems);
			}
			if (!problems.isEmpty()) {
				anomalies.add(new Anomaly(AnomalyKind.WRONG_RESULT, operation + ": " + String.join("; ", problems)));
			}
		}
		return anomalies;
	}

	private void checkAppliedContent(Operation operation, long revision, List<String> problems) {
		Change change = this.reference.changeAt(revision);
		Command command = operation.command();
		if (!change.key().equals(command.key())) {
			problems.add("revision " + revision + " applied it to '" + change.key() + "'");
			return;
		}
		switch (command.kind()) {
			case SET, COMPARE_AND_SET -> {
				if (!Objects.equals(change.value(), command.value())) {
					problems.add("revision " + revision + " applied value " + Text.value(change.value()));
				}
			}
			case DELETE -> {
				if (change.value() != null) {
					problems.add("revision " + revision + " applied value " + Text.value(change.value()));
				}
			}
			default -> {
				// Increment arithmetic is the counter check's business.
			}
		}
		if (command.kind() == OperationKind.COMPARE_AND_SET && this.reference.isKnown(revision - 1, revision - 1)) {
			String before = this.reference.valueAt(command.key(), revision - 1);
			if (!Objects.equals(before, command.expected())) {
				problems.add("applied at revision " + revision + " although '" + command.key() + "' held "
						+ Text.value(before) + " at revision " + (revision - 1));
			}
		}
	}

	private void checkAnswer(Operation operation, long revision, List<String> problems) {
		Result result = operation.result();
		if (result.hasRevision() && result.revision() != revision) {
			problems.add("told revision " + result.revision() + " but the write is at revision " + revision);
		}
		OperationKind kind = operation.kind();
		if ((kind == OperationKind.DELETE || kind == OperationKind.COMPARE_AND_SET) && !result.applied()) {
			problems.add("told false but the write was applied at revision " + revision);
		}
		if (kind == OperationKind.INCREMENT && result.counterValue() != null) {
			String applied = this.reference.changeAt(revision).value();
			if (!result.counterValue().equals(Counters.parse(applied))) {
				problems.add("returned " + result.counterValue() + " but revision " + revision + " holds "
						+ Text.value(applied));
			}
		}
	}

}
