package io.globalval.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValRejectedException;
import io.globalval.protocol.ErrorCode;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.protocol.Message.Applied;
import io.globalval.protocol.Message.CompareAndSet;
import io.globalval.protocol.Message.Delete;
import io.globalval.protocol.Message.Increment;
import io.globalval.protocol.Message.Set;

/**
 * The only place revisions are made. One thread takes commands from a queue and, for
 * each write, checks it against the master's replica, gives it the next revision,
 * applies it, logs it, and queues one encoded frame to every subscribed worker. Being
 * single-threaded, compare-and-set and increment are atomic without locks, and a joining
 * worker's snapshot and its subscription happen at one point between two revisions, so
 * no change can fall between them.
 */
final class Sequencer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Sequencer.class);

	private final MasterNode node;

	private final Replica replica;

	private final ValueCodec codec;

	private final long epoch;

	private final LinkedBlockingQueue<Command> commands = new LinkedBlockingQueue<>();

	private final Thread thread;

	// state below is touched by the sequencer thread only

	private final List<WorkerLink> subscribers = new ArrayList<>();

	private final ChangeLog log;

	private final Map<Long, PendingBroadcast> broadcasts = new HashMap<>();

	private long lastBroadcastId;

	private volatile boolean closed;

	Sequencer(MasterNode node, long epoch) {
		this.node = node;
		this.replica = node.replica();
		this.codec = this.replica.codec();
		this.epoch = epoch;
		this.log = new ChangeLog(node.settings().changeLogCapacity(), node.settings().changeLogMaxBytes());
		this.thread = new Thread(this::run, "globalval-sequencer-" + node.settings().name());
		this.thread.setDaemon(true);
		this.thread.start();
	}

	long epoch() {
		return this.epoch;
	}

	/** A write from a worker ({@code origin} set) or from the master itself ({@code local} set). */
	void write(WorkerLink origin, Message request, CompletableFuture<Object> local) {
		submit(new Write(origin, request, local));
	}

	void join(WorkerLink link, Message.Hello hello) {
		submit(new Join(link, hello));
	}

	void resync(WorkerLink link, long lastRevision) {
		submit(new Resync(link, lastRevision));
	}

	void leave(WorkerLink link) {
		submit(new Leave(link));
	}

	void broadcast(WorkerLink origin, long seq, CompletableFuture<Object> local) {
		submit(new Broadcast(origin, seq, local));
	}

	void broadcastAcked(WorkerLink link, long broadcastId) {
		submit(new BroadcastAcked(link, broadcastId));
	}

	private void submit(Command command) {
		if (this.closed) {
			command.reject("The master of '" + this.node.settings().name() + "' is shutting down");
			return;
		}
		this.commands.add(command);
	}

	private void run() {
		List<Command> batch = new ArrayList<>(256);
		try {
			while (!this.closed || !this.commands.isEmpty()) {
				Command first = this.commands.take();
				batch.add(first);
				this.commands.drainTo(batch, 255);
				for (Command command : batch) {
					try {
						process(command);
					}
					catch (RuntimeException ex) {
						logger.error("Sequencer failed on {}; it goes on with the next command", command, ex);
						command.reject("Internal error at the master: " + ex);
					}
				}
				batch.clear();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void process(Command command) {
		if (command instanceof Write write) {
			processWrite(write);
		}
		else if (command instanceof Join join) {
			processJoin(join);
		}
		else if (command instanceof Resync resync) {
			processResync(resync);
		}
		else if (command instanceof Leave leave) {
			processLeave(leave.link());
		}
		else if (command instanceof Broadcast broadcast) {
			processBroadcast(broadcast);
		}
		else if (command instanceof BroadcastAcked acked) {
			processBroadcastAcked(acked);
		}
	}

	private void processWrite(Write write) {
		int origin = (write.origin() != null) ? write.origin().nodeId : MasterNode.MASTER_NODE_ID;
		Message request = write.request();
		if (request instanceof Set set) {
			long revision = commit(set.key(), set.value(), origin, set.seq(), set.originNanos(), write.origin(), true);
			write.complete(revision);
		}
		else if (request instanceof Delete delete) {
			if (this.replica.entry(delete.key()) == null) {
				write.unchanged(delete.seq(), this.replica.revision());
				return;
			}
			commit(delete.key(), null, origin, delete.seq(), delete.originNanos(), write.origin(), true);
			write.complete(Boolean.TRUE);
		}
		else if (request instanceof CompareAndSet cas) {
			ReplicaEntry current = this.replica.entry(cas.key());
			boolean matches = (cas.expected() == null) ? current == null
					: current != null && this.codec.sameValue(current.json(), cas.expected());
			if (!matches) {
				write.unchanged(cas.seq(), this.replica.revision());
				return;
			}
			commit(cas.key(), cas.update(), origin, cas.seq(), cas.originNanos(), write.origin(), true);
			write.complete(Boolean.TRUE);
		}
		else if (request instanceof Increment increment) {
			processIncrement(write, increment, origin);
		}
		else {
			throw new IllegalArgumentException("Not a write: " + request);
		}
	}

	private void processIncrement(Write write, Increment increment, int origin) {
		ReplicaEntry current = this.replica.entry(increment.key());
		long value = 0;
		if (current != null) {
			Long parsed = this.codec.asLong(current.json());
			if (parsed == null) {
				write.fail(increment.seq(), ErrorCode.CONFLICT, "Value of '" + increment.key()
						+ "' is not an integer; cannot increment it (set it to a number first)");
				return;
			}
			value = parsed;
		}
		long updated;
		try {
			updated = Math.addExact(value, increment.delta());
		}
		catch (ArithmeticException ex) {
			write.fail(increment.seq(), ErrorCode.CONFLICT, "Incrementing '" + increment.key() + "' (" + value
					+ ") by " + increment.delta() + " would overflow a long");
			return;
		}
		// the origin needs the new value, so it gets the full change rather than an ack
		commit(increment.key(), ValueCodec.longToJson(updated), origin, increment.seq(), increment.originNanos(),
				write.origin(), false);
		write.complete(updated);
	}

	/**
	 * Sequence one change: next revision, apply, log, fan out.
	 * @param ackOrigin whether the origin gets a short ack instead of the full change
	 * (it has the value already)
	 */
	private long commit(String key, byte[] json, int origin, long seq, long originNanos, WorkerLink originLink,
			boolean ackOrigin) {
		long revision = this.replica.revision() + 1;
		this.node.applyChange(key, json, revision, origin, originNanos);
		byte[] frame = FrameCodec.encode(new Applied(revision, key, json, origin, seq, originNanos));
		this.log.append(revision, frame);
		byte[] ack = null;
		for (WorkerLink link : this.subscribers) {
			if (link == originLink && ackOrigin) {
				ack = FrameCodec.encode(new Message.Ack(revision, seq));
				link.send(ack);
			}
			else {
				link.send(frame);
			}
		}
		return revision;
	}

	private void processJoin(Join join) {
		WorkerLink link = join.link();
		Message.Hello hello = join.hello();
		long revision = this.replica.revision();
		List<byte[]> catchUp = (hello.epoch() == this.epoch) ? this.log.after(hello.lastRevision(), revision) : null;
		link.send(FrameCodec.encode(new Message.Welcome(this.epoch, link.nodeId, revision, catchUp == null)));
		if (catchUp != null) {
			catchUp.forEach(link::send);
			logger.debug("{} joined at revision {}; sent {} changes", link, hello.lastRevision(), catchUp.size());
		}
		else {
			List<byte[]> snapshot = snapshotFrames(0);
			snapshot.forEach(link::send);
			logger.debug("{} joined; sent a snapshot of {} keys at revision {}", link, this.replica.size(), revision);
		}
		this.subscribers.add(link);
	}

	private void processResync(Resync resync) {
		WorkerLink link = resync.link();
		this.node.metrics.resyncs.increment();
		List<byte[]> catchUp = this.log.after(resync.lastRevision(), this.replica.revision());
		if (catchUp != null) {
			catchUp.forEach(link::send);
		}
		else {
			snapshotFrames(0).forEach(link::send);
		}
		logger.info("{} asked for a resync after revision {}; sent {}", link, resync.lastRevision(),
				(catchUp != null) ? catchUp.size() + " changes" : "a snapshot");
	}

	private void processLeave(WorkerLink link) {
		this.subscribers.remove(link);
		Iterator<PendingBroadcast> it = this.broadcasts.values().iterator();
		while (it.hasNext()) {
			PendingBroadcast pending = it.next();
			if (pending.waiting.remove(link) && pending.waiting.isEmpty()) {
				it.remove();
				finishBroadcast(pending);
			}
		}
	}

	private void processBroadcast(Broadcast broadcast) {
		long id = ++this.lastBroadcastId;
		PendingBroadcast pending = new PendingBroadcast(broadcast, new HashSet<>(this.subscribers));
		if (pending.waiting.isEmpty()) {
			finishBroadcast(pending);
			return;
		}
		List<byte[]> frames = snapshotFrames(id);
		for (WorkerLink link : this.subscribers) {
			frames.forEach(link::send);
		}
		this.broadcasts.put(id, pending);
	}

	private void processBroadcastAcked(BroadcastAcked acked) {
		PendingBroadcast pending = this.broadcasts.get(acked.broadcastId());
		if (pending != null && pending.waiting.remove(acked.link()) && pending.waiting.isEmpty()) {
			this.broadcasts.remove(acked.broadcastId());
			finishBroadcast(pending);
		}
	}

	private void finishBroadcast(PendingBroadcast pending) {
		Broadcast request = pending.request;
		if (request.origin() != null) {
			request.origin().send(FrameCodec.encode(new Message.Reply(request.seq(), this.replica.revision(), true)));
		}
		else {
			request.local().complete(null);
		}
	}

	/**
	 * Encode the whole replica as snapshot chunks of about
	 * {@link NodeSettings#SNAPSHOT_CHUNK_BYTES} each.
	 */
	private List<byte[]> snapshotFrames(long broadcastId) {
		long revision = this.replica.revision();
		List<byte[]> frames = new ArrayList<>();
		List<Message.Entry> chunk = new ArrayList<>();
		int chunkBytes = 0;
		for (Map.Entry<String, ReplicaEntry> e : this.replica.rawEntries().entrySet()) {
			byte[] json = e.getValue().json();
			int entryBytes = e.getKey().length() * 3 + json.length + 16;
			if (!chunk.isEmpty() && chunkBytes + entryBytes > NodeSettings.SNAPSHOT_CHUNK_BYTES) {
				frames.add(FrameCodec.encode(new Message.Snapshot(revision, broadcastId, false, chunk)));
				chunk = new ArrayList<>();
				chunkBytes = 0;
			}
			chunk.add(new Message.Entry(e.getKey(), e.getValue().revision(), json));
			chunkBytes += entryBytes;
		}
		frames.add(FrameCodec.encode(new Message.Snapshot(revision, broadcastId, true, chunk)));
		return frames;
	}

	/**
	 * Process what is queued, then stop. Commands submitted afterwards are refused.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.commands.add(new Stop());
		try {
			this.thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.thread.interrupt();
	}

	private sealed interface Command {

		default void reject(String message) {
		}

	}

	private record Write(WorkerLink origin, Message request, CompletableFuture<Object> local) implements Command {

		void complete(Object result) {
			if (this.local != null) {
				this.local.complete(result);
			}
		}

		void unchanged(long seq, long revision) {
			if (this.origin != null) {
				this.origin.send(FrameCodec.encode(new Message.Reply(seq, revision, false)));
			}
			else {
				this.local.complete(Boolean.FALSE);
			}
		}

		void fail(long seq, ErrorCode code, String message) {
			if (this.origin != null) {
				this.origin.send(FrameCodec.encode(new Message.Error(seq, code, message)));
			}
			else {
				this.local.completeExceptionally(new GlobalValRejectedException(message));
			}
		}

		@Override
		public void reject(String message) {
			fail(seqOf(this.request), ErrorCode.UNAVAILABLE, message);
		}

	}

	private static long seqOf(Message request) {
		if (request instanceof Set set) {
			return set.seq();
		}
		if (request instanceof Delete delete) {
			return delete.seq();
		}
		if (request instanceof CompareAndSet cas) {
			return cas.seq();
		}
		return (request instanceof Increment increment) ? increment.seq() : 0;
	}

	private record Join(WorkerLink link, Message.Hello hello) implements Command {
	}

	private record Resync(WorkerLink link, long lastRevision) implements Command {
	}

	private record Leave(WorkerLink link) implements Command {
	}

	private record Broadcast(WorkerLink origin, long seq, CompletableFuture<Object> local) implements Command {

		@Override
		public void reject(String message) {
			if (this.origin != null) {
				this.origin.send(FrameCodec.encode(new Message.Error(this.seq, ErrorCode.UNAVAILABLE, message)));
			}
			else {
				this.local.completeExceptionally(new GlobalValRejectedException(message));
			}
		}

	}

	private record BroadcastAcked(WorkerLink link, long broadcastId) implements Command {
	}

	private record Stop() implements Command {
	}

	private static final class PendingBroadcast {

		final Broadcast request;

		final java.util.Set<WorkerLink> waiting;

		PendingBroadcast(Broadcast request, java.util.Set<WorkerLink> waiting) {
			this.request = request;
			this.waiting = waiting;
		}

	}

}
