package io.globalval.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The master lock on a real file: held by one holder at a time, and known to be lost
 * once its file is deleted or replaced under it.
 */
class MasterLockTests {

	@TempDir
	Path directory;

	private NodeSettings settings() {
		return NodeSettings.builder().name("lock-test").directory(this.directory).build();
	}

	@Test
	void lockIsHeldByOneHolderAtATime() throws Exception {
		try (MasterLock first = MasterLock.tryAcquire(settings())) {
			assertThat(first).isNotNull();
			assertThat(MasterLock.tryAcquire(settings())).isNull();
			assertThat(first.isStillAtPath()).isTrue();
		}
	}

	@Test
	void lockWhoseFileWasDeletedIsLostWhileTheNextHolderLocksAFreshFile() throws Exception {
		try (MasterLock first = MasterLock.tryAcquire(settings())) {
			Files.delete(first.file());
			try (MasterLock second = MasterLock.tryAcquire(settings())) {
				assertThat(second).as("a fresh file at the path is free to lock").isNotNull();
				assertThat(first.isStillAtPath()).isFalse();
				assertThat(second.isStillAtPath()).isTrue();
			}
		}
	}

	@Test
	void lockWhoseFileWasReplacedIsLost() throws Exception {
		try (MasterLock lock = MasterLock.tryAcquire(settings())) {
			Path other = Files.writeString(this.directory.resolve("other"), "1\n");
			Files.move(other, lock.file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			assertThat(lock.isStillAtPath()).isFalse();
		}
	}

}
