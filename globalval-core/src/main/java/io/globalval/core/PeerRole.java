package io.globalval.core;

import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValConnectionException;
import io.globalval.GlobalValException;
import io.globalval.GlobalValTimeoutException;
import io.globalval.Role;
import io.globalval.core.RemoteSequencer.Kind;
import io.globalval.core.RemoteSequencer.Outcome;
import io.globalval.core.RemoteSequencer.Write;

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

	private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

	private final ScheduledExecutorService timer;

	private volatile boolean closed;

	PeerRole(NodeState state, RemoteSequencer sequencer, CompletableFuture<Void> ready) {
		this.state = state;
		this.sequencer = sequencer;
		this.ready = ready;
		this.timer = state.every("timeouts", this::expireWrites, state.writeSweepPeriod());
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
	public CompletableFuture<Long> set(String key, byte[] json) {
		return submit(Kind.SET, key, json, null, 0);
	}

	@Override
	public CompletableFuture<Boolean> delete(String key) {
		return submit(Kind.DELETE, key, null, null, 0);
	}

	@Override
	public CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update) {
		return submit(Kind.COMPARE_AND_SET, key, update, asStored(key, expected), 0);
	}

	@Override
	public CompletableFuture<Long> increment(String key, long delta) {
		return submit(Kind.INCREMENT, key, null, null, delta);
	}

	@Override
	public CompletableFuture<Void> broadcast() {
		return submit(Kind.RESYNC, null, null, null, 0);
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
	private <T> CompletableFuture<T> submit(Kind kind, String key, byte[] value, byte[] expected, long delta) {
		long now = System.nanoTime();
		long seq = this.state.sequence.incrementAndGet();
		Write write = new Write(kind, this.state.nodeId, seq, key, value, expected, delta, now,
				now + this.state.settings.writeTimeout().toNanos());
		Pending entry = new Pending(write);
		if (this.closed) {
			entry.future.completeExceptionally(new GlobalValConnectionException(
					"The globalval node of '" + this.state.settings.name() + "' is closed; " + entry.describe()
							+ " was not sent"));
			return (CompletableFuture<T>) (CompletableFuture<?>) entry.future;
		}
		this.pending.put(seq, entry);
		this.state.metrics.writesSent.increment();
		CompletableFuture<Outcome> outcome;
		try {
			outcome = this.sequencer.submit(write);
		}
		catch (RuntimeException ex) {
			outcome = CompletableFuture.failedFuture(ex);
		}
		outcome.whenComplete((result, ex) -> {
			if (ex != null) {
				this.pending.remove(seq);
				entry.future.completeExceptionally(unwrap(ex));
				return;
			}
			entry.outcome = result;
			this.state.awaitRevision(result.revision()).thenRun(() -> {
				this.pending.remove(seq);
				entry.future.complete(resultOf(kind, result));
			});
		});
		return (CompletableFuture<T>) (CompletableFuture<?>) entry.future;
	}

	private static Object resultOf(Kind kind, Outcome outcome) {
		return switch (kind) {
			case SET -> outcome.revision();
			case INCREMENT -> outcome.number();
			case RESYNC -> null;
			default -> outcome.success();
		};
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
		long now = System.nanoTime();
		Iterator<Pending> it = this.pending.values().iterator();
		while (it.hasNext()) {
			Pending entry = it.next();
			if (now - entry.write.deadlineNanos() < 0) {
				continue;
			}
			it.remove();
			String name = this.state.settings.name();
			Object timeout = this.state.settings.writeTimeout();
			Outcome outcome = entry.outcome;
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
	public int nodeId() {
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
	public void applyChange(long revision, String key, byte[] json, int origin, long seq, long originNanos) {
		long current = this.state.replica.revision();
		if (revision != current + 1) {
			throw new IllegalStateException(
					"Change of revision " + revision + " does not follow revision " + current + " of the replica");
		}
		this.state.applyChange(key, json, revision, origin, seq, originNanos, null);
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
		this.state.applySnapshot(map, revision);
		if (first) {
			logger.info("Peer of '{}' is ready: {} keys at revision {}", this.state.settings.name(), map.size(),
					revision);
		}
		this.ready.complete(null);
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
		if (!this.pending.isEmpty()) {
			try {
				CompletableFuture
					.allOf(this.pending.values().stream().map((entry) -> entry.future).toArray(CompletableFuture[]::new))
					.get(waitMillis, TimeUnit.MILLISECONDS);
			}
			catch (Exception ex) {
				logger.debug("Not every write was answered before closing", ex);
			}
		}
		this.timer.shutdownNow();
		GlobalValException closing = new GlobalValConnectionException("The globalval node of '"
				+ this.state.settings.name() + "' was closed before " + this.sequencer.address() + " answered");
		this.pending.values().forEach((entry) -> entry.future.completeExceptionally(closing));
		this.pending.clear();
		try {
			this.sequencer.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Closing {} failed", this.sequencer.address(), ex);
		}
	}

	/** A write whose caller waits. */
	private static final class Pending {

		final Write write;

		final CompletableFuture<Object> future = new CompletableFuture<>();

		/** The sequencer's answer, once known; the future then waits for the replica to reach it. */
		volatile Outcome outcome;

		Pending(Write write) {
			this.write = write;
		}

		String describe() {
			return switch (this.write.kind()) {
				case SET -> "set('" + this.write.key() + "')";
				case DELETE -> "delete('" + this.write.key() + "')";
				case COMPARE_AND_SET -> "compareAndSet('" + this.write.key() + "')";
				case INCREMENT -> "increment('" + this.write.key() + "')";
				case RESYNC -> "broadcast()";
			};
		}

	}

}
