package io.globalval.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChangeLog}: changes added as frames (the master's) or as messages (a
 * worker's) read back as the same frames, within both bounds.
 */
class ChangeLogTests {

	@Test
	void changesAddedAsMessagesReadBackAsTheirFrames() {
		ChangeLog log = new ChangeLog(100, 1 << 20);
		Message.Applied first = applied(1, "a", "1");
		Message.Applied second = applied(2, "b", "2");
		log.append(1, FrameCodec.encode(first));
		log.append(second);
		log.append(applied(3, "a", null));
		assertThat(log.all()).hasSize(3);
		assertThat(FrameCodec.decode(log.all().get(0))).isEqualTo(first);
		assertThat(FrameCodec.decode(log.all().get(1))).isEqualTo(second);
		List<byte[]> after = log.after(1, 3);
		assertThat(after).hasSize(2);
		assertThat(after.get(0)).isEqualTo(FrameCodec.encode(second));
		assertThat(FrameCodec.decode(after.get(1))).isEqualTo(applied(3, "a", null));
		assertThat(log.after(3, 3)).isEmpty();
	}

	@Test
	void messagesCountAgainstTheByteBoundAsTheirFrames() {
		Message.Applied change = applied(1, "key", "x".repeat(100));
		int frameBytes = FrameCodec.encode(change).length;
		ChangeLog log = new ChangeLog(1000, 10L * frameBytes);
		for (long revision = 1; revision <= 50; revision++) {
			log.append(applied(revision, "key", "x".repeat(100)));
		}
		assertThat(log.size()).isEqualTo(10);
		assertThat(log.bytes()).isEqualTo(10L * frameBytes);
		long held = log.all().stream().mapToLong((frame) -> frame.length).sum();
		assertThat(held).isEqualTo(10L * frameBytes);
		assertThat(log.after(40, 50)).hasSize(10);
		assertThat(FrameCodec.decode(log.after(40, 50).get(0))).isEqualTo(applied(41, "key", "x".repeat(100)));
		assertThat(log.after(39, 50)).isNull();
	}

	@Test
	void theNewestChangeIsHeldWhateverItsSize() {
		ChangeLog log = new ChangeLog(100, 200);
		log.append(applied(1, "a", "1"));
		byte[] large = FrameCodec.encode(applied(2, "b", "y".repeat(1000)));
		log.append(2, large);
		assertThat(log.size()).isEqualTo(1);
		assertThat(log.all()).singleElement().isEqualTo(large);
		log.append(applied(3, "c", "3"));
		assertThat(log.size()).isEqualTo(1);
		assertThat(FrameCodec.decode(log.all().get(0))).isEqualTo(applied(3, "c", "3"));
	}

	@Test
	void aClearedLogHoldsNothingAndStartsAgainAtAnyRevision() {
		ChangeLog log = new ChangeLog(100, 1 << 20);
		log.append(applied(1, "a", "1"));
		log.append(applied(2, "a", "2"));
		log.clear();
		assertThat(log.size()).isZero();
		assertThat(log.bytes()).isZero();
		assertThat(log.all()).isEmpty();
		assertThat(log.after(1, 2)).isNull();
		log.append(applied(9, "b", "9"));
		assertThat(log.after(8, 9)).singleElement()
			.satisfies((frame) -> assertThat(FrameCodec.decode(frame)).isEqualTo(applied(9, "b", "9")));
	}

	/**
	 * Random changes of random sizes, against a list of frames as the model: frames wrap
	 * around the end of the byte array, the arrays grow, and both bounds drop the oldest.
	 */
	@Test
	void readsBackWhatAListOfTheNewestFramesWithinTheBoundsHolds() {
		for (long seed = 1; seed <= 5; seed++) {
			Random random = new Random(seed);
			int capacity = 1 + random.nextInt(3000);
			long maxBytes = 200 + random.nextInt(300_000);
			ChangeLog log = new ChangeLog(capacity, maxBytes);
			ArrayDeque<byte[]> model = new ArrayDeque<>();
			long modelBytes = 0;
			long revision = 0;
			for (int step = 0; step < 20_000; step++) {
				revision++;
				String value = "v".repeat((random.nextInt(10) == 0) ? random.nextInt(5000) : random.nextInt(80));
				Message.Applied change = applied(revision, "k" + random.nextInt(100), value);
				byte[] frame = FrameCodec.encode(change);
				switch (random.nextInt(3)) {
					case 0 -> log.append(change);
					case 1 -> log.append(revision, frame);
					default -> {
						// as a reader hands it on: a view of a larger direct buffer, left as it was
						int offset = random.nextInt(100);
						ByteBuffer buffer = ByteBuffer.allocateDirect(offset + frame.length + 10);
						buffer.put(offset, frame);
						ByteBuffer view = buffer.duplicate().limit(offset + frame.length).position(offset);
						log.append(revision, view);
						assertThat(view.position()).isEqualTo(offset);
						assertThat(view.limit()).isEqualTo(offset + frame.length);
					}
				}
				if (model.size() == capacity) {
					modelBytes -= model.removeFirst().length;
				}
				while (!model.isEmpty() && modelBytes + frame.length > maxBytes) {
					modelBytes -= model.removeFirst().length;
				}
				model.addLast(frame);
				modelBytes += frame.length;
				assertThat(log.size()).as("seed %d step %d", seed, step).isEqualTo(model.size());
				assertThat(log.bytes()).isEqualTo(modelBytes);
				if (random.nextInt(500) == 0) {
					assertThat(log.all()).as("seed %d step %d", seed, step).containsExactlyElementsOf(model);
					int back = random.nextInt(model.size() + 2);
					List<byte[]> after = log.after(revision - back, revision);
					if (back <= model.size()) {
						assertThat(after).containsExactlyElementsOf(
								new ArrayList<>(model).subList(model.size() - back, model.size()));
					}
					else {
						assertThat(after).isNull();
					}
				}
				if (random.nextInt(5000) == 0) {
					log.clear();
					model.clear();
					modelBytes = 0;
				}
			}
		}
	}

	@Test
	void aChangeThatDoesNotFollowTheLastStartsTheLogAgain() {
		ChangeLog log = new ChangeLog(10, 1 << 20);
		log.append(applied(1, "a", "1"));
		log.append(applied(2, "a", "2"));
		log.append(applied(7, "a", "7"));
		assertThat(log.size()).isEqualTo(1);
		assertThat(log.after(6, 7)).hasSize(1);
		assertThat(log.after(5, 7)).isNull();
	}

	private static Message.Applied applied(long revision, String key, String value) {
		return new Message.Applied(revision, 3, key, (value != null) ? value.getBytes(StandardCharsets.UTF_8) : null,
				12, revision, 0);
	}

}
