package io.globalval.core;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChangeLog}: changes added as frames (the master's) or as messages (a
 * worker's, encoded only when read) read back as the same frames.
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
	void messagesCountAgainstTheByteBoundAtLeastAsMuchAsTheirFrames() {
		Message.Applied change = applied(1, "key", "x".repeat(100));
		int frameBytes = FrameCodec.encode(change).length;
		ChangeLog log = new ChangeLog(1000, 10L * frameBytes);
		for (long revision = 1; revision <= 50; revision++) {
			log.append(applied(revision, "key", "x".repeat(100)));
		}
		assertThat(log.size()).isLessThanOrEqualTo(10).isGreaterThan(1);
		long held = log.all().stream().mapToLong((frame) -> frame.length).sum();
		assertThat(held).isLessThanOrEqualTo(10L * frameBytes);
		assertThat(log.after(50 - log.size(), 50)).hasSize(log.size());
		assertThat(log.after(0, 50)).isNull();
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
