package io.globalval.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests of {@link EpochHistory}: which epoch sequenced a revision, and the last revision
 * two logs share.
 */
class EpochHistoryTests {

	private static EpochHistory history(long... epochsAndStarts) {
		long[] epochs = new long[epochsAndStarts.length / 2];
		long[] starts = new long[epochs.length];
		for (int i = 0; i < epochs.length; i++) {
			epochs[i] = epochsAndStarts[2 * i];
			starts[i] = epochsAndStarts[2 * i + 1];
		}
		return EpochHistory.of(epochs, starts);
	}

	@Test
	void extendAddsAnEpochOnlyWhenItChanges() {
		EpochHistory history = EpochHistory.EMPTY.extend(1, 1).extend(2, 1).extend(3, 4).extend(4, 4);
		assertThat(history).isEqualTo(history(1, 1, 4, 3));
		assertThat(history.epochAt(0)).isZero();
		assertThat(history.epochAt(2)).isEqualTo(1);
		assertThat(history.epochAt(3)).isEqualTo(4);
		assertThat(history.epochAt(100)).isEqualTo(4);
		assertThat(history.lastEpoch()).isEqualTo(4);
		assertThat(history.upTo(2)).isEqualTo(history(1, 1));
		assertThat(history.upTo(0)).isSameAs(EpochHistory.EMPTY);
	}

	@Test
	void logsOfOneEpochShareUpToTheShorterHead() {
		EpochHistory one = history(1, 1);
		assertThat(one.commonRevision(10, one, 7)).isEqualTo(7);
		assertThat(one.commonRevision(0, one, 7)).isZero();
	}

	@Test
	void logsThatPartShareUpToTheLastRevisionBothSequencedInOneEpoch() {
		// a master of epoch 2 went on from 61; a fenced member of epoch 1 went on to 100
		EpochHistory master = history(1, 1, 2, 61);
		EpochHistory fenced = history(1, 1);
		assertThat(master.commonRevision(80, fenced, 100)).isEqualTo(60);
		assertThat(fenced.commonRevision(100, master, 80)).isEqualTo(60);
		// a member of epoch 1 up to 50 is a prefix of the master's log
		assertThat(master.commonRevision(80, fenced, 50)).isEqualTo(50);
		// two later epochs that both started at 61 from different masters share 60
		assertThat(history(1, 1, 2, 61).commonRevision(70, history(1, 1, 3, 61), 70)).isEqualTo(60);
		// nothing shared
		assertThat(history(2, 1).commonRevision(5, history(3, 1), 5)).isZero();
	}

	@Test
	void moreUpToDateMeansALaterLastEpochOrTheSameAndLonger() {
		EpochHistory older = history(1, 1);
		EpochHistory newer = history(1, 1, 2, 61);
		assertThat(newer.isAheadOf(70, older, 100)).isTrue();
		assertThat(older.isAheadOf(100, newer, 70)).isFalse();
		assertThat(older.isAheadOf(100, older, 90)).isTrue();
		assertThat(older.isAheadOf(90, older, 90)).isFalse();
		assertThat(older.isAheadOf(1, EpochHistory.EMPTY, 0)).isTrue();
	}

	@Test
	void startsMustAscendFromOne() {
		assertThatIllegalArgumentException().isThrownBy(() -> history(1, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> history(1, 5, 2, 5));
	}

}
