package io.globalval.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeStoreTests {

	@TempDir
	Path directory;

	private ChangeStore open() throws IOException {
		return new ChangeStore(EngineRuntime.system().disk(this.directory),
				Persistence.in(this.directory, Persistence.Fsync.ALWAYS), 1024 * 1024);
	}

	private static byte[] change(long revision, String key, String json) {
		return FrameCodec.encode(new Message.Applied(revision, 1, key, json.getBytes(StandardCharsets.UTF_8), 7, revision,
				0));
	}

	@Test
	void appendedChangesAreLoadedInOrder() throws IOException {
		try (ChangeStore store = open()) {
			store.load();
			for (int i = 1; i <= 100; i++) {
				store.append(change(i, "k" + (i % 10), String.valueOf(i)));
			}
			store.sync();
		}
		try (ChangeStore store = open()) {
			ChangeStore.Stored stored = store.load();
			assertThat(stored.changes()).hasSize(100);
			assertThat(stored.revision()).isEqualTo(100);
			assertThat(stored.changes().get(99).key()).isEqualTo("k0");
		}
	}

	@Test
	void tornLastRecordIsTruncatedAndEarlierRecordsSurvive() throws IOException {
		try (ChangeStore store = open()) {
			store.load();
			for (int i = 1; i <= 10; i++) {
				store.append(change(i, "k" + i, "\"v" + i + "\""));
			}
		}
		Path log = this.directory.resolve(ChangeStore.LOG_FILE);
		long size = Files.size(log);
		try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
			channel.truncate(size - 5);
		}
		try (ChangeStore store = open()) {
			ChangeStore.Stored stored = store.load();
			assertThat(stored.revision()).isEqualTo(9);
			store.append(change(10, "k10", "\"again\""));
		}
		try (ChangeStore store = open()) {
			assertThat(store.load().revision()).isEqualTo(10);
		}
	}

	@Test
	void corruptRecordIsDetectedByItsChecksum() throws IOException {
		try (ChangeStore store = open()) {
			store.load();
			for (int i = 1; i <= 3; i++) {
				store.append(change(i, "k" + i, "\"v" + i + "\""));
			}
		}
		Path log = this.directory.resolve(ChangeStore.LOG_FILE);
		long size = Files.size(log);
		try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
			channel.write(ByteBuffer.wrap(new byte[] { 'X' }), size - 3);
		}
		try (ChangeStore store = open()) {
			assertThat(store.load().revision()).isEqualTo(2);
		}
		assertThat(Files.size(log)).isLessThan(size);
	}

	@Test
	void garbageLogStillStarts() throws IOException {
		Files.createDirectories(this.directory);
		Files.createFile(this.directory.resolve(ChangeStore.FORMAT_FILE));
		Files.write(this.directory.resolve(ChangeStore.LOG_FILE), new byte[] { 0, 0, 0, 9, 1, 2, 3 });
		try (ChangeStore store = open()) {
			assertThat(store.load().revision()).isZero();
		}
	}

	@Test
	void compactionWritesASnapshotAndEmptiesTheLog() throws IOException {
		Replica replica = new Replica(new ValueCodec(JsonMapper.builder().build()), "test");
		for (int i = 1; i <= 50; i++) {
			replica.apply("k" + i, ("\"v" + i + "\"").getBytes(StandardCharsets.UTF_8), i);
		}
		try (ChangeStore store = open()) {
			store.load();
			for (int i = 1; i <= 50; i++) {
				store.append(change(i, "k" + i, "\"v" + i + "\""));
			}
			store.compact(replica, Snapshots.encode(replica, 0, EpochHistory.of(new long[] { 1 }, new long[] { 1 }),
					java.util.Map.of(7L, 50L)));
			store.append(change(51, "k51", "\"v51\""));
		}
		assertThat(Files.size(this.directory.resolve(ChangeStore.LOG_FILE))).isLessThan(100);
		try (ChangeStore store = open()) {
			ChangeStore.Stored stored = store.load();
			assertThat(stored.snapshotRevision()).isEqualTo(50);
			assertThat(stored.snapshot()).hasSize(50);
			assertThat(stored.changes()).hasSize(1);
			assertThat(stored.revision()).isEqualTo(51);
		}
	}

	@Test
	void filesOfAnEarlierFormatAreRefusedNotTruncated() throws IOException {
		// a log written before the format file existed
		java.nio.file.Files.write(this.directory.resolve(ChangeStore.LOG_FILE), new byte[] { 0, 0, 0, 5, 1, 2, 3, 4, 5 });
		org.assertj.core.api.Assertions.assertThatIOException().isThrownBy(this::open)
			.withMessageContaining("earlier globalval");
		assertThat(java.nio.file.Files.size(this.directory.resolve(ChangeStore.LOG_FILE))).isEqualTo(9);
	}

}
