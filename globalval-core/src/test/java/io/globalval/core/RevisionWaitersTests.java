package io.globalval.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RevisionWaiters}: the lost wake-up and the colliding keys of issue
 * "No acknowledged write lost" (path 6).
 */
class RevisionWaitersTests {

	private static final byte[] VALUE = "1".getBytes(StandardCharsets.UTF_8);

	private final Replica replica = new Replica(new ValueCodec(JsonMapper.builder().build()), "test");

	private final RevisionWaiters waiters = new RevisionWaiters();

	@Test
	void everyWaiterOfOneRevisionIsWokenHoweverMany() {
		List<CompletableFuture<Long>> futures = new ArrayList<>();
		for (int i = 0; i < 65_537; i++) {
			futures.add(this.waiters.await(this.replica, 1));
		}
		apply(1);
		assertThat(futures).allMatch((future) -> future.isDone() && future.join() == 1L);
	}

	@Test
	void waiterAddedWhileTheRevisionIsAppliedIsWoken() throws Exception {
		int revisions = 300_000;
		Thread applier = new Thread(() -> {
			for (long revision = 1; revision <= revisions; revision++) {
				apply(revision);
			}
		});
		applier.start();
		List<CompletableFuture<Long>> futures = new ArrayList<>();
		long target;
		do {
			target = this.replica.revision() + 1;
			futures.add(this.waiters.await(this.replica, Math.min(target, revisions)));
		}
		while (target < revisions);
		applier.join(TimeUnit.MINUTES.toMillis(1));
		assertThat(applier.isAlive()).isFalse();
		long undone = futures.stream().filter((future) -> !future.isDone()).count();
		assertThat(undone).as("waiters not woken among %d, the replica at revision %d", futures.size(),
				this.replica.revision()).isZero();
	}

	private void apply(long revision) {
		this.replica.apply("k", VALUE, revision);
		this.waiters.reached(revision);
	}

}
