package io.globalval.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValConnectionException;
import io.globalval.GlobalValTimeoutException;
import io.globalval.Role;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.protocol.WriteCommand;
import io.globalval.protocol.WriteCommand.CompareAndSetValue;
import io.globalval.protocol.WriteOutcome;

/**
 * The peer role: a {@link RemoteSequencer} orders every change, and this node is one of
 * its followers. Writes get their id (this node's id and the next sequence number) here
 * and go to the sequencer; a write's future completes once this node's replica has
 * reached the revision of its outcome, so that the process reads its own writes. The
 * write timeout is enforced here, whatever the sequencer does.
 */
final class PeerRole implements RoleEngine, RemoteSequencer.Follower {

	private static final Logger logger = LoggerFactory.getLogger(PeerRole.class);

	private final NodeState state;

	private final RemoteSequencer sequencer;

	private final CompletableFuture<Void> ready;

	private final PendingWrites pending = new PendingWrites();

	private final EngineRuntime.Cancellable timer;

	private volatile boolean closed;

	PeerRole(NodeState state, RemoteSequencer sequencer, CompletableFuture<Void> ready) {
		this.state = state;
		this.sequencer = sequencer;
		this.ready = ready;
		this.timer = state.every("timeouts", this::expireWrites, state.writeSweepPeriod());
		state.metrics.trackPendingWrites(this.pending::size);
	}

	void start() {
		this.sequencer.start(this.state.settings, this);
	}

	@Override
	public Role role() {
		return Role.PEER;
	}

	@Override
	public boolean isConnected() {
		return this.sequencer.isConnected();
	}

	@Override
	public List<WorkerStatus> workers() {
		return List.of();
	}

	// writes

	@Override
	public CompletableFuture<Object> write(WriteFactory factory, long nowNanos) {
		// the sequencer keeps the ids of a process's writes, not a mark: any order will do
		WriteCommand command = this.state.number(factory, nowNanos, false);
		if (command instanceof CompareAndSetValue cas && cas.expected() != null) {
			byte[] expected = asStored(cas.key(), cas.expected());
			if (expected != cas.expected()) {
				command = new CompareAndSetValue(cas.seq(), cas.key(), expected, cas.update(), cas.originNanos());
			}
		}
		return submit(command, nowNanos);
	}

	/**
	 * The sequencer compares bytes; the master compares values. When the replica holds a
	 * value equal to the expected one but written differently (keys in another order),
	 * expect the replica's exact bytes, so that the comparison means the same here.
	 */
	private byte[] asStored(String key, byte[] expected) {
		if (expected == null) {
			return null;
		}
		ReplicaEntry current = this.state.replica.entry(key);
		if (current != null && !Arrays.equals(current.json(), expected)
				&& this.state.codec.sameValue(current.json(), expected)) {
			return current.json();
		}
		return expected;
	}

	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<T> submit(WriteCommand command, long now) {
		PendingWrite entry = new PendingWrite(command, now + this.state.settings.writeTimeout().toNanos());
		if (this.closed) {
			entry.future.completeExceptionally(new GlobalValConnectionException(
					"The globalval node of '" + this.state.settings.name() + "' is closed; " + entry.describe()
							+ " was not sent"));
			return (CompletableFuture<T>) (CompletableFuture<?>) entry.future;
		}
		this.pending.register(entry);
		this.state.metrics.writesSent.increment();
		CompletableFuture<WriteOutcome> outcome;
		try {
			outcome = this.sequencer.submit(this.state.nodeId, command, entry.deadlineNanos);
		}
		catch (RuntimeException ex) {
			outcome = CompletableFuture.failedFuture(ex);
		}
		outcome.whenComplete((result, ex) -> {
			if (ex != null) {
				this.pending.remove(entry);
				entry.future.completeExceptionally(unwrap(ex));
				return;
			}
			entry.outcome = result;
			this.state.awaitRevision(result.revision()).thenRun(() -> {
				this.pending.remove(entry);
				entry.completeWith(result);
			});
		});
		return (CompletableFuture<T>) (CompletableFuture<?>) entry.future;
	}

	private static Throwable unwrap(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private void expireWrites() {
		for (PendingWrite entry : this.pending.expire(this.state.runtime.nanoTime())) {
			this.pending.remove(entry);
			String name = this.state.settings.name();
			Object timeout = this.state.settings.writeTimeout();
			WriteOutcome outcome = entry.outcome;
			entry.future.completeExceptionally(new GlobalValTimeoutException((outcome != null)
					? ("%s was sequenced at revision %d by %s, but this process of '%s' had not applied that revision "
							+ "within globalval.write-timeout (%s); it is applied, and will show here once this "
							+ "process catches up")
						.formatted(entry.describe(), outcome.revision(), this.sequencer.address(), name, timeout)
					: ("No answer from %s to %s within globalval.write-timeout (%s) for '%s'; it may still be applied")
						.formatted(this.sequencer.address(), entry.describe(), timeout, name)));
		}
	}

	// Follower: called by the sequencer's one applying thread

	@Override
	public long nodeId() {
		return this.state.nodeId;
	}

	@Override
	public long revision() {
		return this.state.replica.revision();
	}

	@Override
	public boolean isReady() {
		return this.state.replica.isReady();
	}

	@Override
	public void applyChange(long revision, String key, byte[] json, long origin, long seq, long originNanos) {
		long current = this.state.replica.revision();
		if (revision != current + 1) {
			throw new IllegalStateException(
					"Change of revision " + revision + " does not follow revision " + current + " of the replica");
		}
		// a remote sequencer has one history: no epochs to match
		this.state.applyChange(key, json, revision, 0, origin, seq, originNanos, null);
	}

	@Override
	public void applySnapshot(long revision, Collection<RemoteSequencer.Entry> entries) {
		ConcurrentHashMap<String, ReplicaEntry> map = new ConcurrentHashMap<>(Math.max(16, entries.size() * 2));
		for (RemoteSequencer.Entry entry : entries) {
			map.put(entry.key(), Replica.newEntry(entry.json(), entry.revision()));
		}
		boolean first = !this.state.replica.isReady();
		if (!first) {
			this.state.metrics.resyncs.increment();
		}
		this.state.applySnapshot(map, revision, EpochHistory.EMPTY, java.util.Map.of());
		if (first) {
			logger.info("Peer of '{}' is ready: {} keys at revision {}", this.state.settings.name(), map.size(),
					revision);
		}
		this.ready.complete(null);
	}

	@Override
	public String writeIdAt(long revision) {
		List<byte[]> frames = this.state.log.after(revision - 1, revision);
		if (frames == null || frames.isEmpty()) {
			return null;
		}
		return (FrameCodec.decode(frames.get(0)) instanceof Message.Applied applied)
				? applied.origin() + ":" + applied.seq() : null;
	}

	@Override
	public void discardAfter(long keptRevision, String why) {
		this.state.discardAfter(keptRevision, why);
	}

	@Override
	public void connectionChanged(boolean connected) {
		this.state.connectionChanged(connected);
	}

	@Override
	public NodeMetrics metrics() {
		return this.state.metrics;
	}

	/**
	 * Wait a moment for writes in flight, then fail the rest and close the sequencer.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		long waitMillis = Math.min(this.state.settings.writeTimeout().toMillis(), 2000);
		if (!this.pending.awaitAll(Duration.ofMillis(waitMillis))) {
			logger.debug("Not every write was answered within {} ms before closing", waitMillis);
		}
		this.timer.cancel();
		this.pending.failAll(new GlobalValConnectionException("The globalval node of '" + this.state.settings.name()
				+ "' was closed before " + this.sequencer.address() + " answered"));
		try {
			this.sequencer.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Closing {} failed", this.sequencer.address(), ex);
		}
	}

}
