package io.globalval.core;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Whether and how the master keeps every change on disk, so that a full restart of the
 * application restores every value and the revision.
 *
 * @param enabled whether changes are written to disk
 * @param directory where the change log and the snapshot live
 * @param fsync when the change log is forced to disk
 * @param compactAfterBytes how large the change log may grow before it is compacted into a snapshot
 */
public record Persistence(boolean enabled, Path directory, Fsync fsync, long compactAfterBytes) {

	/** No persistence: the values live as long as one process of the application does. */
	public static final Persistence DISABLED = new Persistence(false, null, Fsync.EVERY_SECOND, 64L * 1024 * 1024);

	/**
	 * Check the settings.
	 */
	public Persistence {
		Objects.requireNonNull(fsync, "'fsync' must not be null");
		if (enabled) {
			Objects.requireNonNull(directory, "'directory' must not be null when persistence is enabled");
		}
		if (compactAfterBytes < 1024) {
			throw new IllegalArgumentException("compactAfterBytes must be at least 1024, was " + compactAfterBytes);
		}
	}

	/**
	 * Persistence into a directory with the given policy.
	 * @param directory the directory
	 * @param fsync the fsync policy
	 * @return the settings
	 */
	public static Persistence in(Path directory, Fsync fsync) {
		return new Persistence(true, directory, fsync, DISABLED.compactAfterBytes());
	}

	/**
	 * When the change log is forced to disk, as Redis's {@code appendfsync}.
	 */
	public enum Fsync {

		/** Before any change is acknowledged (one fsync per batch of changes). */
		ALWAYS,

		/** Once a second: a crash of the machine may lose the last second. */
		EVERY_SECOND,

		/** When the operating system decides. */
		NEVER

	}

}
