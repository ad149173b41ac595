package io.globalval.protocol;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.globalval.protocol.WriteCommand.BroadcastAll;
import io.globalval.protocol.WriteCommand.CompareAndSetValue;
import io.globalval.protocol.WriteCommand.DeleteKey;
import io.globalval.protocol.WriteCommand.IncrementValue;
import io.globalval.protocol.WriteCommand.SetValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link WriteCommand}: what each kind of write tells its caller, how it reads in
 * messages, and the value an acknowledged origin applies.
 */
class WriteCommandTests {

	private static final WriteOutcome APPLIED = new WriteOutcome(42, true, 7);

	private static final WriteOutcome UNCHANGED = new WriteOutcome(41, false, 0);

	private static final byte[] VALUE = "\"v\"".getBytes(StandardCharsets.UTF_8);

	@Test
	void setCompletesWithItsRevisionAndIsAcknowledgedWithItsValue() {
		SetValue set = new SetValue(1, "config", VALUE, 5);
		assertThat(set.result(APPLIED)).isEqualTo(42L);
		assertThat(set.newValue()).isSameAs(VALUE);
		assertThat(set.describe()).isEqualTo("set('config')");
	}

	@Test
	void deleteCompletesWithWhetherItFoundTheKeyAndAppliesNoValue() {
		DeleteKey delete = new DeleteKey(1, "config", 5);
		assertThat(delete.result(APPLIED)).isEqualTo(true);
		assertThat(delete.result(UNCHANGED)).isEqualTo(false);
		assertThat(delete.newValue()).isNull();
		assertThat(delete.describe()).isEqualTo("delete('config')");
	}

	@Test
	void compareAndSetCompletesWithWhetherItMatchedAndIsAcknowledgedWithItsUpdate() {
		CompareAndSetValue cas = new CompareAndSetValue(1, "config", null, VALUE, 5);
		assertThat(cas.result(APPLIED)).isEqualTo(true);
		assertThat(cas.result(UNCHANGED)).isEqualTo(false);
		assertThat(cas.newValue()).isSameAs(VALUE);
		assertThat(cas.describe()).isEqualTo("compareAndSet('config')");
	}

	@Test
	void incrementCompletesWithTheNewNumber() {
		IncrementValue increment = new IncrementValue(1, "hits", 3, 5);
		assertThat(increment.result(APPLIED)).isEqualTo(7L);
		assertThat(increment.newValue()).isNull();
		assertThat(increment.describe()).isEqualTo("increment('hits')");
	}

	@Test
	void broadcastIsAboutNoKeyAndCompletesWithNull() {
		BroadcastAll broadcast = new BroadcastAll(9);
		assertThat(broadcast.seq()).isEqualTo(9);
		assertThat(broadcast.key()).isNull();
		assertThat(broadcast.originNanos()).isZero();
		assertThat(broadcast.result(APPLIED)).isNull();
		assertThat(broadcast.describe()).isEqualTo("broadcast()");
	}

	@Test
	void replyCarriesAnOutcome() {
		Message.Reply reply = new Message.Reply(3, APPLIED);
		assertThat(reply).isEqualTo(new Message.Reply(3, 42, true, 7));
		assertThat(reply.outcome()).isEqualTo(APPLIED);
	}

	@Test
	void toStringOfAValueCarryingWriteShowsItsSizeNotItsBytes() {
		assertThat(new SetValue(1, "config", VALUE, 5)).hasToString("SetValue[seq=1, key=config, 3 bytes]");
		assertThat(new CompareAndSetValue(2, "config", null, VALUE, 5))
			.hasToString("CompareAndSetValue[seq=2, key=config, expected absent, update 3 bytes]");
	}

}
