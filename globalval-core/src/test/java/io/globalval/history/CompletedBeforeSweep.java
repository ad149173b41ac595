package io.globalval.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * For each "later" operation, finds the "earlier" operation with the highest
 * value among those that completed strictly before it was invoked. Both lists
 * are sorted once (earlier by complete time, later by invoke time) and swept
 * together, so the cost is O(n log n).
 */
final class CompletedBeforeSweep {

	private CompletedBeforeSweep() {
	}

	/**
	 * Run the sweep.
	 * @param earlier the candidates
	 * @param value the value of a candidate
	 * @param later the operations to visit
	 * @param visitor called for every later operation that has a candidate
	 */
	static void sweep(List<Operation> earlier, ToLongFunction<Operation> value, List<Operation> later,
			Visitor visitor) {
		List<Operation> byComplete = new ArrayList<>(earlier);
		byComplete.sort(Comparator.comparingLong(Operation::completeTime));
		List<Operation> byInvoke = new ArrayList<>(later);
		byInvoke.sort(Comparator.comparingLong(Operation::invokeTime));
		int next = 0;
		Operation best = null;
		long bestValue = Long.MIN_VALUE;
		for (Operation operation : byInvoke) {
			while (next < byComplete.size() && byComplete.get(next).completeTime() < operation.invokeTime()) {
				Operation candidate = byComplete.get(next++);
				long candidateValue = value.applyAsLong(candidate);
				if (best == null || candidateValue > bestValue) {
					best = candidate;
					bestValue = candidateValue;
				}
			}
			if (best != null) {
				visitor.visit(operation, best, bestValue);
			}
		}
	}

	/**
	 * Receives each later operation with its best earlier one.
	 */
	@FunctionalInterface
	interface Visitor {

		/**
		 * Visit one later operation.
		 * @param later the later operation
		 * @param best the earlier operation with the highest value
		 * @param bestValue its value
		 */
		void visit(Operation later, Operation best, long bestValue);

	}

}
