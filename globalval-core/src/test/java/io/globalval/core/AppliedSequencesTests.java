package io.globalval.core;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The marks of applied sequence numbers that a new master answers repeats with.
 */
class AppliedSequencesTests {

	@Test
	void keepsTheHighestSequenceOfEachOriginWhateverTheOrder() {
		AppliedSequences applied = new AppliedSequences();
		applied.applied(1, 5);
		applied.applied(1, 7);
		applied.applied(2, 3);
		applied.applied(1, 6);
		applied.applied(2, 9);
		applied.applied(2, 8);
		assertThat(applied.copy()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 7L, 2L, 9L));
	}

	@Test
	void aSnapshotReplacesEveryMarkIncludingTheOneLastApplied() {
		AppliedSequences applied = new AppliedSequences();
		applied.applied(1, 50);
		applied.replace(Map.of(1L, 10L, 3L, 4L));
		applied.applied(1, 11);
		assertThat(applied.copy()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 11L, 3L, 4L));
	}

	@Test
	void keepsTheMostRecentlyAppliedOriginsWhenThereAreTooMany() {
		AppliedSequences applied = new AppliedSequences();
		applied.applied(0, 1);
		for (long origin = 1; origin <= RecentWrites.ORIGINS; origin++) {
			applied.applied(origin, 1);
			// origin 0 keeps applying, one change after each other origin's: it stays
			applied.applied(0, origin + 1);
		}
		Map<Long, Long> marks = applied.copy();
		assertThat(marks).hasSize(RecentWrites.ORIGINS).containsEntry(0L, RecentWrites.ORIGINS + 1L);
		assertThat(marks).doesNotContainKey(1L);
		// several changes in a row from one origin do not make it the eldest
		applied.applied(5000, 1);
		applied.applied(5000, 2);
		applied.applied(6000, 1);
		assertThat(applied.copy()).containsEntry(5000L, 2L).containsEntry(0L, RecentWrites.ORIGINS + 1L);
	}

}
