package io.globalval.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.globalval.protocol.WriteOutcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecentWrites}, against a plain model of what it keeps: the outcomes of
 * each origin's last {@link RecentWrites#PER_ORIGIN} recorded writes, and a mark below
 * which a write not kept counts as processed.
 */
class RecentWritesTests {

	@Test
	void aWriteNotSeenIsNewAndARecordedOneKeepsItsOutcome() {
		RecentWrites recent = new RecentWrites();
		WriteOutcome outcome = new WriteOutcome(7, true, 0);
		assertThat(recent.find(1, 1)).isNull();
		recent.record(1, 1, outcome);
		assertThat(recent.find(1, 1)).isSameAs(outcome);
		assertThat(recent.find(1, 2)).isNull();
		assertThat(recent.find(2, 1)).isNull();
	}

	@Test
	void theOldestOutcomesGoFirstAndBecomeForgotten() {
		RecentWrites recent = new RecentWrites();
		int total = RecentWrites.PER_ORIGIN + 100;
		for (int seq = 1; seq <= total; seq++) {
			recent.record(5, seq, new WriteOutcome(seq, true, 0));
		}
		assertThat(recent.find(5, 1)).isSameAs(RecentWrites.FORGOTTEN);
		assertThat(recent.find(5, 100)).isSameAs(RecentWrites.FORGOTTEN);
		assertThat(recent.find(5, 101).revision()).isEqualTo(101);
		assertThat(recent.find(5, total).revision()).isEqualTo(total);
		assertThat(recent.find(5, total + 1)).isNull();
	}

	@Test
	void markProcessedMakesLowerNumbersForgottenButKeepsOutcomes() {
		RecentWrites recent = new RecentWrites();
		WriteOutcome kept = new WriteOutcome(3, true, 0);
		recent.record(9, 3, kept);
		recent.markProcessed(Map.of(9L, 10L, 11L, 4L));
		assertThat(recent.find(9, 3)).isSameAs(kept);
		assertThat(recent.find(9, 2)).isSameAs(RecentWrites.FORGOTTEN);
		assertThat(recent.find(9, 11)).isNull();
		assertThat(recent.find(11, 4)).isSameAs(RecentWrites.FORGOTTEN);
		assertThat(recent.find(11, 5)).isNull();
	}

	@Test
	void aRecordedNumberRecordedAgainKeepsItsAge() {
		RecentWrites.Origin origin = new RecentWrites.Origin();
		origin.put(1, new WriteOutcome(1, true, 0));
		for (int seq = 2; seq <= RecentWrites.PER_ORIGIN; seq++) {
			origin.put(seq, new WriteOutcome(seq, true, 0));
		}
		WriteOutcome again = new WriteOutcome(99, false, 0);
		origin.put(1, again);
		assertThat(origin.get(1)).isSameAs(again);
		origin.put(RecentWrites.PER_ORIGIN + 1, new WriteOutcome(0, true, 0));
		assertThat(origin.get(1)).isNull();
		assertThat(origin.forgottenUpTo).isEqualTo(1);
		assertThat(origin.size()).isEqualTo(RecentWrites.PER_ORIGIN);
	}

	@Test
	void agreesWithAModelUnderWritesOfManyOriginsInAnyOrder() {
		for (long seed = 1; seed <= 5; seed++) {
			Random random = new Random(seed);
			RecentWrites recent = new RecentWrites();
			Map<Long, Model> models = new LinkedHashMap<>();
			long[] next = new long[4];
			for (int op = 0; op < 120_000; op++) {
				long origin = 1 + random.nextInt(next.length);
				Model model = models.computeIfAbsent(origin, (key) -> new Model());
				int choice = random.nextInt(100);
				long seq;
				if (choice < 70) {
					seq = ++next[(int) origin - 1];
				}
				else if (choice < 90) {
					// a number sent again, or one of a thread that numbered earlier and sent later
					seq = Math.max(1, next[(int) origin - 1] - random.nextInt(2 * RecentWrites.PER_ORIGIN));
				}
				else {
					seq = next[(int) origin - 1] + 1 + random.nextInt(50);
				}
				if (random.nextBoolean()) {
					WriteOutcome outcome = new WriteOutcome(op, random.nextBoolean(), 0);
					recent.record(origin, seq, outcome);
					model.record(seq, outcome);
				}
				else {
					assertThat(recent.find(origin, seq)).as("seed %d op %d origin %d seq %d", seed, op, origin, seq)
						.isSameAs(model.find(seq));
				}
			}
		}
	}

	/** The plain model: an insertion-ordered map, as {@link RecentWrites} once kept. */
	private static final class Model {

		long forgottenUpTo;

		final Map<Long, WriteOutcome> outcomes = new LinkedHashMap<>() {
			@Override
			protected boolean removeEldestEntry(Map.Entry<Long, WriteOutcome> eldest) {
				if (size() <= RecentWrites.PER_ORIGIN) {
					return false;
				}
				Model.this.forgottenUpTo = Math.max(Model.this.forgottenUpTo, eldest.getKey());
				return true;
			}
		};

		void record(long seq, WriteOutcome outcome) {
			this.outcomes.put(seq, outcome);
		}

		WriteOutcome find(long seq) {
			WriteOutcome outcome = this.outcomes.get(seq);
			if (outcome != null) {
				return outcome;
			}
			return (seq <= this.forgottenUpTo) ? RecentWrites.FORGOTTEN : null;
		}

	}

}
