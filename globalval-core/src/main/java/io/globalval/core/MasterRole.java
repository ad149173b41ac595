package io.globalval.core;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.Role;
import io.globalval.protocol.EpochHistory;
import io.globalval.protocol.ErrorCode;
import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.protocol.WriteCommand;

/**
 * The master role: holds the application's lock, sequences every change through its
 * {@link Sequencer}, and serves workers through a transport that calls it as a
 * {@link MasterHandler}. Requests are checked here, on the transport's reader threads,
 * before they reach the sequencer, so a bad request costs the sequencer nothing.
 */
final class MasterRole implements RoleEngine, MasterHandler {

	private static final Logger logger = LoggerFactory.getLogger(MasterRole.class);

	private final NodeState state;

	private final CommandRunner<Sequencer.Command> sequencer;

	private final long epoch;

	private final Map<Peer, WorkerLink> links = new ConcurrentHashMap<>();

	private final List<EngineRuntime.Cancellable> timers = new ArrayList<>();

	private final GroupLock lock;

	private final RequestLimits limits;

	private final ChangeStore store;

	private volatile AutoCloseable transport;

	private final Runnable stepDown;

	private volatile boolean closed;

	/**
	 * Processes that were members and may still be (a worker whose connection was cut, a
	 * member of the last group that has not reconnected): listed in the lock file while
	 * they live, so that the next master waits for them too.
	 */
	private final Set<Long> departed = ConcurrentHashMap.newKeySet();

	/** Whether the members of the last group have been waited for, so the lock file may list the new ones. */
	private volatile boolean membersSettled;

	/**
	 * Create a master and start its sequencer.
	 * @param state the node's state
	 * @param lock the held master lock, released on close
	 * @param epoch this master's epoch
	 */
	MasterRole(NodeState state, GroupLock lock, long epoch) throws IOException {
		this(state, lock, epoch, () -> {
		});
	}

	/**
	 * Create a master and start its sequencer.
	 * @param state the node's state
	 * @param lock the held master lock, released on close
	 * @param epoch this master's epoch
	 * @param stepDown run (on a timer thread) when the master must step down because its
	 * disk failed: the node closes this role, which releases the lock
	 */
	MasterRole(NodeState state, GroupLock lock, long epoch, Runnable stepDown) throws IOException {
		this.state = state;
		this.stepDown = stepDown;
		this.lock = lock;
		this.epoch = epoch;
		this.limits = new RequestLimits(state.settings, state.codec);
		Persistence persistence = state.settings.persistence();
		this.store = persistence.enabled() ? new ChangeStore(state.runtime.disk(persistence.directory()), persistence,
				state.settings.maxFrameSize()) : null;
		if (this.store != null) {
			restore(this.store);
			// what was restored may come from a master whose force failed: on disk before it is served
			try {
				this.store.forceNow();
			}
			catch (IOException ex) {
				closeQuietly(this.store);
				throw ex;
			}
		}
		state.epoch = epoch;
		state.replica.markReady();
		String name = state.settings.name();
		Set<Long> members = new TreeSet<>(lock.readMembers());
		members.remove(state.runtime.pid());
		this.departed.addAll(members);
		this.sequencer = state.runtime.runner("sequencer-" + name,
				new Sequencer(state, epoch, members, this.store, new Sequencer.Group() {

					@Override
					public void membersSettled() {
						MasterRole.this.membersSettled();
					}

					@Override
					public boolean othersAlive() {
						return MasterRole.this.othersAlive();
					}

					@Override
					public void diskFailed(Exception cause) {
						// not on the sequencer's thread: stepping down closes the sequencer and waits for it
						state.runtime.schedule("step-down-" + name, Duration.ZERO, null, MasterRole.this.stepDown);
					}

				}));
		state.metrics.trackCommandQueue(this.sequencer::queued);
		EngineRuntime runtime = state.runtime;
		this.timers.add(runtime.schedule("master-timer-" + name, state.settings.pingInterval(),
				state.settings.pingInterval(), this::ping));
		// the master's own writes wait for a worker's confirmation at most write-timeout, whatever
		// the ping interval (a ping interval of an hour left them waiting that long)
		this.timers.add(runtime.schedule("write-timeouts-" + name, state.writeSweepPeriod(), state.writeSweepPeriod(),
				() -> this.sequencer.submit(new Sequencer.ExpireUnconfirmed(this.state.runtime.nanoTime()))));
		if (this.store != null && persistence.fsync() == Persistence.Fsync.EVERY_SECOND) {
			this.timers.add(runtime.schedule("fsync-" + name, Duration.ofSeconds(1), Duration.ofSeconds(1),
					() -> this.sequencer.submit(new Sequencer.Sync())));
		}
		this.timers.add(runtime.schedule("failover-max-wait-" + name, state.settings.failoverMaxWait(), null,
				() -> this.sequencer.submit(new Sequencer.EndHolding())));
		if (!members.isEmpty()) {
			logger.info("Master of '{}' (epoch {}) waits for processes {} of the last group (at most {}) before it "
					+ "takes writes", name, epoch, members, state.settings.failoverMaxWait());
		}
		this.sequencer.submit(new Sequencer.CheckHolding());
	}

	/**
	 * Load what the store holds; if it is ahead of the replica (a restart, or a takeover
	 * by a worker that had not seen everything), the replica becomes what the store holds.
	 * If the replica is ahead (the store was behind its fsync), the store catches up.
	 */
	private void restore(ChangeStore store) throws IOException {
		ChangeStore.Stored stored = store.load();
		Replica replica = this.state.replica;
		EpochHistory storedHistory = stored.history();
		long head = replica.revision();
		if (!storedHistory.isAheadOf(stored.revision(), this.state.history, head)) {
			if (stored.revision() != head || !storedHistory.equals(this.state.history)) {
				store.compact(this.state);
			}
			return;
		}
		long shared = storedHistory.commonRevision(stored.revision(), this.state.history, head);
		boolean extendsReplica = replica.isReady() && shared == head && !stored.changes().isEmpty()
				&& stored.changes().get(0).revision() <= head + 1;
		if (!extendsReplica) {
			if (replica.isReady()) {
				this.state.discardAfter(shared, "the stored log is more up to date than this process's");
			}
			this.state.applySnapshot(stored.snapshot(), stored.snapshotRevision(), stored.snapshotHistory(),
					stored.snapshotSequences());
		}
		for (Message.Applied change : stored.changes()) {
			if (change.revision() == replica.revision() + 1) {
				this.state.applyChange(change.key(), change.value(), change.revision(), change.epoch(), change.origin(),
						change.seq(), change.originNanos(), FrameCodec.encode(change));
			}
			else if (change.revision() > replica.revision() + 1) {
				logger.error("The stored log of '{}' in {} has a gap after revision {} (next stored: {}); the stored changes "
						+ "after it are not restored", this.state.settings.name(),
						this.state.settings.persistence().directory(), replica.revision(), change.revision());
				break;
			}
		}
		logger.info("Restored {} keys at revision {} of '{}' from {} ({})", replica.size(), replica.revision(),
				this.state.settings.name(), this.state.settings.persistence().directory(),
				extendsReplica ? (replica.revision() - head) + " stored changes after this process's revision " + head
						: "the stored snapshot and changes");
	}

	void attachTransport(AutoCloseable transport) {
		this.transport = transport;
	}

	long epoch() {
		return this.epoch;
	}

	@Override
	public Role role() {
		return Role.MASTER;
	}

	@Override
	public NodeMetrics metrics() {
		return this.state.metrics;
	}

	@Override
	public boolean isConnected() {
		return true;
	}

	@Override
	public CompletableFuture<Object> write(WriteFactory factory, long nowNanos) {
		// the local writes of many threads may reach the sequencer in another order than their numbers: it takes them
		WriteCommand command = this.state.number(factory, nowNanos, false);
		CompletableFuture<Object> future = new CompletableFuture<>();
		this.state.metrics.writesSent.increment();
		// the sequencer sends a broadcast down its broadcast path itself
		this.sequencer.submit(new Sequencer.Write(null, command, future));
		return future;
	}

	/**
	 * Sequence a write that this node made as a worker and the old master never answered.
	 * @param write the write
	 */
	void resubmit(PendingWrite write) {
		this.sequencer.submit(new Sequencer.Write(null, write.command, write.future));
	}

	@Override
	public List<WorkerStatus> workers() {
		List<WorkerStatus> result = new ArrayList<>();
		this.links.values().forEach((link) -> result.add(link.status()));
		return result;
	}

	// MasterHandler: called on the transport's reader thread of each peer

	@Override
	public void received(Peer peer, Message message) {
		WorkerLink link = this.links.get(peer);
		if (link == null) {
			if (message instanceof Message.Hello hello) {
				accept(peer, hello);
			}
			else {
				reject(peer, "sent " + message.type() + " before HELLO");
			}
			return;
		}
		if (message instanceof WriteCommand command) {
			dispatchWrite(link, command, this.limits.problemWith(command));
		}
		else if (message instanceof Message.Pong pong) {
			link.reportedRevision = pong.revision();
			link.revisionsBehind = Math.max(0, this.state.replica.revision() - pong.revision());
			link.lagNanos = this.state.runtime.nanoTime() - pong.nanos();
		}
		else if (message instanceof Message.BroadcastAck ack) {
			this.sequencer.submitInline(new Sequencer.BroadcastAcked(link, ack.broadcastId()));
		}
		else if (message instanceof Message.Resync resync) {
			this.sequencer.submitInline(new Sequencer.Resync(link, resync.lastRevision()));
		}
		else if (message instanceof Message.Confirm confirm && !link.adopting) {
			this.sequencer.submitInline(new Sequencer.Confirmed(confirm.revision()));
		}
		else if (link.adopting && (message instanceof Message.Applied || message instanceof Message.Snapshot
				|| message instanceof Message.Confirm)) {
			this.sequencer.submitInline(new Sequencer.Adopt(link, message));
		}
		else {
			reject(peer, "sent " + message.type() + ", which only a master sends");
		}
	}

	private void dispatchWrite(WorkerLink link, WriteCommand request, String problem) {
		if (problem != null) {
			link.send(FrameCodec.encode(new Message.Failure(request.seq(), ErrorCode.BAD_REQUEST, problem)));
			return;
		}
		this.sequencer.submitInline(new Sequencer.Write(link, request, null));
	}

	private void accept(Peer peer, Message.Hello hello) {
		String name = this.state.settings.name();
		// before any message quotes them: names from the wire end up in logs
		String badName = NodeSettings.problemWithName("application name", hello.appName());
		if (badName == null) {
			badName = NodeSettings.problemWithName("node name", hello.nodeName());
		}
		if (badName != null) {
			refuse(peer, ErrorCode.BAD_REQUEST, "HELLO refused: " + badName);
			return;
		}
		if (hello.protocolVersion() != Frame.PROTOCOL_VERSION) {
			refuse(peer, ErrorCode.PROTOCOL_MISMATCH,
					"Protocol version mismatch: worker %s speaks version %d, master of '%s' speaks %d; run the same globalval version everywhere"
						.formatted(hello.nodeName(), hello.protocolVersion(), name, Frame.PROTOCOL_VERSION));
			return;
		}
		if (!hello.appName().equals(name)) {
			refuse(peer, ErrorCode.APPLICATION_MISMATCH,
					"Application mismatch: worker %s belongs to '%s' but this socket serves '%s'; check globalval.name and globalval.uds.directory"
						.formatted(hello.nodeName(), hello.appName(), name));
			return;
		}
		if (hello.nodeId() == this.state.nodeId
				|| this.links.values().stream().anyMatch((other) -> other.nodeId == hello.nodeId())) {
			refuse(peer, ErrorCode.BAD_REQUEST, "Node id " + hello.nodeId() + " of worker " + hello.nodeName()
					+ " is already connected to '" + name + "'");
			return;
		}
		WorkerLink link = new WorkerLink(peer, hello.nodeId(), hello.nodeName(), hello.pid());
		this.links.put(peer, link);
		recordMembers();
		logger.info("Worker {} joined '{}' (last revision {})", link, name, hello.lastRevision());
		this.sequencer.submit(new Sequencer.Join(link, hello));
	}

	private void refuse(Peer peer, ErrorCode code, String message) {
		logger.warn("Refused {}: {}", peer.describe(), message);
		this.state.metrics.frameRejected();
		peer.sendAndClose(FrameCodec.encode(new Message.Failure(0, code, message)), message);
	}

	private void reject(Peer peer, String what) {
		String message = peer.describe() + " " + what + "; closing its connection";
		logger.warn(message);
		this.state.metrics.frameRejected();
		peer.close(message);
	}

	@Override
	public void disconnected(Peer peer, String reason) {
		WorkerLink link = this.links.remove(peer);
		if (link != null) {
			link.gone = true;
			this.departed.add(link.pid);
			recordMembers();
			if (!this.closed) {
				logger.info("Worker {} left '{}': {}", link, this.state.settings.name(), reason);
			}
			this.sequencer.submit(new Sequencer.Leave(link));
		}
	}

	/**
	 * Write who the members are into the lock file, so that a process that later finds
	 * the lock free (this master died) does not take over while one of them, which may
	 * hold newer state, is still alive, and a new master waits for them: the connected
	 * workers, and the departed ones whose processes are alive (a cut connection or a
	 * paused process does not end membership; a dead process does).
	 */
	private synchronized void recordMembers() {
		if (this.closed || !this.membersSettled) {
			return;
		}
		Set<Long> pids = new TreeSet<>();
		this.links.values().forEach((member) -> pids.add(member.pid));
		this.departed.removeIf((pid) -> !this.state.runtime.isAlive(pid));
		pids.addAll(this.departed);
		pids.remove(this.state.runtime.pid());
		try {
			this.lock.writeMembers(pids);
		}
		catch (IOException ex) {
			logger.warn("Could not record the members of '{}' in the lock file", this.state.settings.name(), ex);
		}
	}

	/** Whether a departed member (cut connection, paused, not yet reconnected) is alive. */
	private boolean othersAlive() {
		long own = this.state.runtime.pid();
		for (long pid : this.departed) {
			if (pid != own && this.state.runtime.isAlive(pid)) {
				return true;
			}
		}
		return false;
	}

	/** The members of the last group were waited for and welcomed: from now the lock file lists this group's. */
	private void membersSettled() {
		this.membersSettled = true;
		recordMembers();
	}

	private void ping() {
		if (!this.membersSettled) {
			this.sequencer.submit(new Sequencer.CheckHolding());
		}
		byte[] frame = FrameCodec.encode(new Message.Ping(this.state.runtime.nanoTime(), this.state.replica.revision()));
		this.links.values().forEach((link) -> link.send(frame));
	}

	/**
	 * Stop accepting, let the sequencer finish what is queued, close every connection
	 * and release the lock.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.timers.forEach(EngineRuntime.Cancellable::cancel);
		// writes held for a takeover are sequenced rather than failed
		this.sequencer.submit(new Sequencer.EndHolding());
		this.sequencer.close();
		this.state.metrics.trackCommandQueue(null);
		closeQuietly(this.transport);
		closeQuietly(this.store);
		closeQuietly(this.lock);
		logger.info("Master of '{}' stopped at revision {}", this.state.settings.name(),
				this.state.replica.revision());
	}

	private static void closeQuietly(AutoCloseable closeable) {
		if (closeable == null) {
			return;
		}
		try {
			closeable.close();
		}
		catch (Exception ex) {
			logger.debug("Failed to close {}", closeable, ex);
		}
	}

}
