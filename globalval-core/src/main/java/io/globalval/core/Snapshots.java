package io.globalval.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;

/**
 * Encodes a whole replica as {@code SNAPSHOT} frames of about
 * {@link NodeSettings#SNAPSHOT_CHUNK_BYTES} each, so that a large map never needs one
 * huge frame. Called on the applying thread, so the copy is consistent.
 */
final class Snapshots {

	private Snapshots() {
	}

	/**
	 * Encode a replica.
	 * @param replica the replica, read on its applying thread
	 * @param broadcastId the broadcast the snapshot answers, or 0
	 * @param history the epochs of the replica's log, which the receiver's log takes over
	 * @param appliedSequences the highest sequence number applied per origin
	 * @return the frames, the last one flagged
	 */
	static List<byte[]> encode(Replica replica, long broadcastId, EpochHistory history,
			Map<Long, Long> appliedSequences) {
		EpochHistory upToRevision = history.upTo(replica.revision());
		long revision = replica.revision();
		List<byte[]> frames = new ArrayList<>();
		List<Message.Entry> chunk = new ArrayList<>();
		int chunkBytes = 0;
		for (Map.Entry<String, ReplicaEntry> e : replica.rawEntries().entrySet()) {
			byte[] json = e.getValue().json();
			int entryBytes = e.getKey().length() * 3 + json.length + 16;
			if (!chunk.isEmpty() && chunkBytes + entryBytes > NodeSettings.SNAPSHOT_CHUNK_BYTES) {
				frames.add(FrameCodec.encode(new Message.Snapshot(revision, broadcastId, false, chunk, EpochHistory.EMPTY)));
				chunk = new ArrayList<>();
				chunkBytes = 0;
			}
			chunk.add(new Message.Entry(e.getKey(), e.getValue().revision(), json));
			chunkBytes += entryBytes;
		}
		frames.add(FrameCodec.encode(new Message.Snapshot(revision, broadcastId, true, chunk, upToRevision, appliedSequences)));
		return frames;
	}

}
