package io.globalval.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Single-threaded: the sequencer writes, the node loads before it starts.
 */
final class ChangeStore implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ChangeStore.class);

	static final String LOG_FILE = "changes.log";

	static final String SNAPSHOT_FILE = "snapshot.dat";

	private static final int RECORD_HEADER_BYTES = 8;

	private final Path directory;

	private final Persistence settings;

	private final int maxRecordBytes;

	private FileChannel log;

	private long logBytes;

	private boolean dirty;

	ChangeStore(Persistence settings, int maxRecordBytes) throws IOException {
		this.settings = settings;
		this.directory = settings.directory();
		this.maxRecordBytes = maxRecordBytes;
		MasterLock.createPrivateDirectory(this.directory);
		this.log = openLog();
		this.logBytes = this.log.size();
	}

	private FileChannel openLog() throws IOException {
		return FileChannel.open(this.directory.resolve(LOG_FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE);
	}

	/**
	 * Read the snapshot and the log. A torn or corrupt tail of either is cut off.
	 * @return what is stored
	 * @throws IOException if the files cannot be read
	 */
	Stored load() throws IOException {
		ConcurrentHashMap<String, ReplicaEntry> entries = new ConcurrentHashMap<>();
		long revision = 0;
		Path snapshotFile = this.directory.resolve(SNAPSHOT_FILE);
		if (Files.exists(snapshotFile)) {
			try (FileChannel channel = FileChannel.open(snapshotFile, StandardOpenOption.READ)) {
				for (byte[] frame : readRecords(channel, snapshotFile, false)) {
					if (FrameCodec.decode(frame) instanceof Message.Snapshot chunk) {
						revision = chunk.revision();
						chunk.entries().forEach((e) -> entries.put(e.key(), Replica.newEntry(e.value(), e.revision())));
					}
				}
			}
		}
		List<Message.Applied> changes = new ArrayList<>();
		for (byte[] frame : readRecords(this.log, this.directory.resolve(LOG_FILE), true)) {
			if (FrameCodec.decode(frame) instanceof Message.Applied applied && applied.revision() > revision) {
				changes.add(applied);
			}
		}
		this.logBytes = this.log.size();
		this.log.position(this.logBytes);
		return new Stored(entries, revision, changes);
	}

	/** Read every valid record; cut the file at the first invalid one when {@code truncate}. */
	private List<byte[]> readRecords(FileChannel channel, Path file, boolean truncate) throws IOException {
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
			logger.warn("{} ends with {} at byte {} of {}; {} the {} bytes after it", file, problem, position, size,
					truncate ? "truncating" : "ignoring", size - position);
			if (truncate) {
				channel.truncate(position);
				channel.force(true);
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
			while (record.hasRemaining()) {
				this.log.write(record);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot append to " + this.directory.resolve(LOG_FILE), ex);
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
			this.log.force(false);
			this.dirty = false;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot force " + this.directory.resolve(LOG_FILE) + " to disk", ex);
		}
	}

	/** Whether the log has grown enough to be compacted. */
	boolean needsCompaction() {
		return this.logBytes > this.settings.compactAfterBytes();
	}

	/**
	 * Write the replica as the new snapshot and empty the log.
	 * @param replica the master's replica, read on the sequencer thread
	 */
	void compact(Replica replica) {
		Path target = this.directory.resolve(SNAPSHOT_FILE);
		Path temporary = this.directory.resolve(SNAPSHOT_FILE + ".tmp");
		try {
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
					StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
				for (byte[] frame : Snapshots.encode(replica, 0)) {
					ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER_BYTES + frame.length);
					record.putInt(frame.length).putInt(checksum(frame)).put(frame).flip();
					while (record.hasRemaining()) {
						channel.write(record);
					}
				}
				channel.force(true);
			}
			Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			this.log.truncate(0);
			this.log.position(0);
			this.log.force(true);
			this.logBytes = 0;
			this.dirty = false;
			logger.info("Compacted the change log of '{}' into a snapshot of {} keys at revision {}",
					this.directory, replica.size(), replica.revision());
		}
		catch (IOException ex) {
			logger.warn("Compacting the change log in {} failed; it keeps growing", this.directory, ex);
		}
	}

	private static int checksum(byte[] bytes) {
		CRC32C crc = new CRC32C();
		crc.update(bytes);
		return (int) crc.getValue();
	}

	@Override
	public void close() throws IOException {
		this.log.force(true);
		this.log.close();
	}

	/**
	 * What the store held.
	 *
	 * @param snapshot the snapshot's entries
	 * @param snapshotRevision the snapshot's revision (0 without one)
	 * @param changes the changes after the snapshot, in order
	 */
	record Stored(ConcurrentHashMap<String, ReplicaEntry> snapshot, long snapshotRevision, List<Message.Applied> changes) {

		long revision() {
			return this.changes.isEmpty() ? this.snapshotRevision : this.changes.get(this.changes.size() - 1).revision();
		}

	}

}
