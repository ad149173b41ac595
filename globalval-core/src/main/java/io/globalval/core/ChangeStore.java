package io.globalval.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.protocol.ProtocolException;

/**
 * The master's changes on disk: an append-only log of {@code APPLIED} frames, compacted
 * now and then into a snapshot file. Every record is
 * <pre>
 * +-----------+-----------+---------------------+
 * | length    | CRC32C    | frame (length bytes)|
 * | int32 BE  | int32 BE  |                     |
 * +-----------+-----------+---------------------+
 * </pre>
 * so that a torn or corrupt tail (a crash in the middle of a write) is detected on
 * load, truncated with a warning, and never stops startup. A snapshot is written to a
 * temporary file, forced, and renamed over the old one before the log is emptied, so a
 * crash at any point leaves a snapshot and a log that together hold every change.
 * Single-threaded: the sequencer writes, the node loads before it starts. The files are
 * those of a {@link Disk}, so that a simulation can tear writes and fail forces.
 */
final class ChangeStore implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ChangeStore.class);

	static final String LOG_FILE = "changes.log";

	static final String SNAPSHOT_FILE = "snapshot.dat";

	/**
	 * Marks the directory as written in this format (changes carry their epoch, snapshots
	 * the epoch history and applied sequences); files without it were written by an
	 * earlier globalval and are refused rather than read wrongly or truncated.
	 */
	static final String FORMAT_FILE = "format-2";

	private static final int RECORD_HEADER_BYTES = 8;

	private final Disk disk;

	private final Persistence settings;

	private final int maxRecordBytes;

	private final DiskFile log;

	private long logBytes;

	private boolean dirty;

	ChangeStore(Disk disk, Persistence settings, int maxRecordBytes) throws IOException {
		this.disk = disk;
		this.settings = settings;
		this.maxRecordBytes = maxRecordBytes;
		checkFormat(disk);
		this.log = disk.open(LOG_FILE);
		this.logBytes = this.log.size();
	}

	/**
	 * Refuse files of an earlier format; mark a new directory with this one.
	 */
	private static void checkFormat(Disk disk) throws IOException {
		if (disk.exists(FORMAT_FILE)) {
			return;
		}
		boolean earlier = disk.exists(SNAPSHOT_FILE) && size(disk, SNAPSHOT_FILE) > 0
				|| disk.exists(LOG_FILE) && size(disk, LOG_FILE) > 0;
		if (earlier) {
			throw new IOException(("%s holds changes written by an earlier globalval (before changes carried their "
					+ "epoch), which this version does not read; start once with the earlier version without "
					+ "persistence, or move the files aside (the group's state lives in its running processes)")
				.formatted(disk.describe()));
		}
		try (DiskFile marker = disk.open(FORMAT_FILE)) {
			marker.force();
		}
	}

	private static long size(Disk disk, String name) throws IOException {
		try (DiskFile file = disk.open(name)) {
			return file.size();
		}
	}

	/**
	 * Read the snapshot and the log. A torn or corrupt tail of either is cut off.
	 * @return what is stored
	 * @throws IOException if the files cannot be read
	 */
	Stored load() throws IOException {
		ConcurrentHashMap<String, ReplicaEntry> entries = new ConcurrentHashMap<>();
		long revision = 0;
		EpochHistory history = EpochHistory.EMPTY;
		Map<Long, Long> sequences = Map.of();
		if (this.disk.exists(SNAPSHOT_FILE)) {
			try (DiskFile snapshotFile = this.disk.open(SNAPSHOT_FILE)) {
				for (byte[] frame : readRecords(snapshotFile, SNAPSHOT_FILE, false)) {
					if (FrameCodec.decode(frame) instanceof Message.Snapshot chunk) {
						revision = chunk.revision();
						if (chunk.last()) {
							history = chunk.history();
							sequences = chunk.appliedSequences();
						}
						chunk.entries().forEach((e) -> entries.put(e.key(), Replica.newEntry(e.value(), e.revision())));
					}
				}
			}
		}
		List<Message.Applied> changes = new ArrayList<>();
		for (byte[] frame : readRecords(this.log, LOG_FILE, true)) {
			if (FrameCodec.decode(frame) instanceof Message.Applied applied && applied.revision() > revision) {
				changes.add(applied);
			}
		}
		this.logBytes = this.log.size();
		return new Stored(entries, revision, history, sequences, changes);
	}

	/** Read every valid record; cut the file at the first invalid one when {@code truncate}. */
	private List<byte[]> readRecords(DiskFile channel, String file, boolean truncate) throws IOException {
		List<byte[]> records = new ArrayList<>();
		long size = channel.size();
		long position = 0;
		ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES);
		String problem = null;
		while (position < size) {
			header.clear();
			if (channel.read(header, position) < RECORD_HEADER_BYTES) {
				problem = "a torn record header";
				break;
			}
			int length = header.getInt(0);
			int checksum = header.getInt(4);
			if (length < 1 || length > this.maxRecordBytes || position + RECORD_HEADER_BYTES + length > size) {
				problem = "a torn or invalid record of " + length + " bytes";
				break;
			}
			ByteBuffer body = ByteBuffer.allocate(length);
			channel.read(body, position + RECORD_HEADER_BYTES);
			if (checksum(body.array()) != checksum) {
				problem = "a record whose checksum does not match";
				break;
			}
			try {
				FrameCodec.decode(body.array());
			}
			catch (ProtocolException ex) {
				problem = "a record that is not a valid frame (" + ex.getMessage() + ")";
				break;
			}
			records.add(body.array());
			position += RECORD_HEADER_BYTES + length;
		}
		if (problem != null) {
			logger.warn("{} in {} ends with {} at byte {} of {}; {} the {} bytes after it", file, this.disk.describe(),
					problem, position, size, truncate ? "truncating" : "ignoring", size - position);
			if (truncate) {
				channel.truncate(position);
			}
		}
		return records;
	}

	/**
	 * Append one change; forced to disk according to the policy by {@link #syncIfDue}.
	 * @param frame its encoded {@code APPLIED} frame
	 */
	void append(byte[] frame) {
		ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER_BYTES + frame.length);
		record.putInt(frame.length).putInt(checksum(frame)).put(frame).flip();
		try {
			this.log.append(record);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot append to " + LOG_FILE + " in " + this.disk.describe(), ex);
		}
		this.logBytes += record.limit();
		this.dirty = true;
	}

	/** Whether changes are forced before they are acknowledged. */
	boolean syncsEveryBatch() {
		return this.settings.fsync() == Persistence.Fsync.ALWAYS;
	}

	/** Force what was appended, if anything; called after each batch (ALWAYS) or each second. */
	void sync() {
		if (!this.dirty) {
			return;
		}
		try {
			this.log.force();
			this.dirty = false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot force " + LOG_FILE + " in " + this.disk.describe() + " to disk", ex);
		}
	}

	/**
	 * Force the log to disk whether or not this store appended to it: what a master
	 * restores may have been written by a predecessor whose force failed, and must be on
	 * disk before it is served as durable.
	 * @throws IOException if the force fails
	 */
	void forceNow() throws IOException {
		this.log.force();
		this.dirty = false;
	}

	/** Whether the log has grown enough to be compacted. */
	boolean needsCompaction() {
		return this.logBytes > this.settings.compactAfterBytes();
	}

	/**
	 * Write a node's replica as the new snapshot and empty the log.
	 * @param state the master's state, read on the sequencer thread
	 */
	void compact(NodeState state) {
		compact(state.replica, state.snapshotFrames(0));
	}

	/**
	 * Write snapshot frames as the new snapshot and empty the log.
	 * @param replica the replica they were taken from, for the log
	 * @param frames the snapshot's frames
	 */
	void compact(Replica replica, List<byte[]> frames) {
		String temporary = SNAPSHOT_FILE + ".tmp";
		try {
			try (DiskFile file = this.disk.open(temporary)) {
				file.truncate(0);
				for (byte[] frame : frames) {
					ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER_BYTES + frame.length);
					record.putInt(frame.length).putInt(checksum(frame)).put(frame).flip();
					file.append(record);
				}
				file.force();
			}
			this.disk.replace(temporary, SNAPSHOT_FILE);
			this.log.truncate(0);
			this.logBytes = 0;
			this.dirty = false;
			logger.info("Compacted the change log in {} into a snapshot of {} keys at revision {}",
					this.disk.describe(), replica.size(), replica.revision());
		}
		catch (IOException ex) {
			logger.warn("Compacting the change log in {} failed; it keeps growing", this.disk.describe(), ex);
		}
	}

	private static int checksum(byte[] bytes) {
		CRC32C crc = new CRC32C();
		crc.update(bytes);
		return (int) crc.getValue();
	}

	@Override
	public void close() throws IOException {
		try {
			this.log.force();
		}
		finally {
			this.log.close();
		}
	}

	/**
	 * What the store held.
	 *
	 * @param snapshot the snapshot's entries
	 * @param snapshotRevision the snapshot's revision (0 without one)
	 * @param snapshotHistory the epochs of the log up to the snapshot's revision
	 * @param snapshotSequences the highest sequence number applied per origin up to the snapshot
	 * @param changes the changes after the snapshot, in order
	 */
	record Stored(ConcurrentHashMap<String, ReplicaEntry> snapshot, long snapshotRevision,
			EpochHistory snapshotHistory, Map<Long, Long> snapshotSequences, List<Message.Applied> changes) {

		long revision() {
			return this.changes.isEmpty() ? this.snapshotRevision : this.changes.get(this.changes.size() - 1).revision();
		}

		/** The epochs of everything stored: the snapshot's, then the changes' that follow it without a gap. */
		EpochHistory history() {
			EpochHistory history = this.snapshotHistory;
			long revision = this.snapshotRevision;
			for (Message.Applied change : this.changes) {
				if (change.revision() != revision + 1) {
					break;
				}
				history = history.extend(change.revision(), change.epoch());
				revision = change.revision();
			}
			return history;
		}

	}

}
