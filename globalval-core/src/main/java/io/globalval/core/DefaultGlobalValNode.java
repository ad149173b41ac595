package io.globalval.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValException;
import io.globalval.GlobalValTimeoutException;
import io.globalval.Role;
import io.globalval.protocol.WriteCommand.SetValue;
import io.globalval.protocol.WriteCommand.IncrementValue;
import io.globalval.protocol.WriteCommand.DeleteKey;
import io.globalval.protocol.WriteCommand.CompareAndSetValue;
import io.globalval.protocol.WriteCommand.BroadcastAll;

/**
 * A node whose role can change: it starts as master (if it takes the application's
 * lock) or worker, and a worker of role {@code auto} takes over as master when its
 * master dies. The replica, the listeners and the writes in flight survive the change,
 * because they live in the shared {@link NodeState}, not in the role. The node, not the
 * transport, decides role changes: a transport only reports that the master is
 * unreachable, and the node takes the lock, leaves it to live members that may be ahead
 * of it, or stays a worker.
 * <p>
 * Over 350 lines because it holds the role decisions (start, takeover, deferring to live
 * members) beside the node's API, which delegates every call to the current role.
 */
public final class DefaultGlobalValNode implements GlobalValNode {

	private static final Logger logger = LoggerFactory.getLogger(DefaultGlobalValNode.class);

	private final NodeState state;

	private final Transport transport;

	/** The sequencer of a peer; {@code null} for a master or worker. */
	private final RemoteSequencer sequencer;

	private final CompletableFuture<Void> ready = new CompletableFuture<>();

	/**
	 * How long a node without the group's state leaves a free lock to live members of the
	 * last master (see {@link #membersMayBeAhead}).
	 */
	static final long MEMBERS_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

	private final long startedNanos;

	private boolean deferredToMembers;

	/** Whether this node stepped down as master for a disk failure. */
	private boolean steppedDown;

	/** After stepping down, this node does not take the lock again before this time. */
	private long takeOverNotBefore;

	private volatile RoleEngine role;

	private boolean closed;

	private DefaultGlobalValNode(NodeSettings settings, ValueCodec codec, Transport transport,
			RemoteSequencer sequencer, EngineRuntime runtime) {
		this.state = new NodeState(settings, codec, runtime);
		this.startedNanos = runtime.nanoTime();
		this.transport = transport;
		this.sequencer = sequencer;
	}

	/**
	 * Start a node: take the lock and serve as master, or connect as worker. Internal: use
	 * {@link io.globalval.GlobalValNodes}.
	 * @param settings the settings
	 * @param codec the value codec
	 * @param transport the transport
	 * @param listener a listener to add before the role is decided and the transport
	 * starts, or {@code null}
	 * @return the started node (a worker may not be ready yet)
	 * @throws GlobalValException if role {@code master} is required but another master holds the lock
	 * @throws UncheckedIOException if the directory, lock or transport cannot be set up
	 */
	public static DefaultGlobalValNode start(NodeSettings settings, ValueCodec codec, Transport transport,
			ChangeListener listener) {
		return start(settings, codec, transport, listener, EngineRuntime.system());
	}

	/**
	 * Start a node on a runtime of its own: take the lock and serve as master, or connect
	 * as worker. A simulation passes a runtime that drives the node in its own steps.
	 * @param settings the settings
	 * @param codec the value codec
	 * @param transport the transport
	 * @param listener a listener to add before the role is decided and the transport
	 * starts, or {@code null}
	 * @param runtime time, timers, runners, the lock and the disk
	 * @return the started node (a worker may not be ready yet)
	 * @throws GlobalValException if role {@code master} is required but another master holds the lock
	 * @throws UncheckedIOException if the directory, lock or transport cannot be set up
	 */
	public static DefaultGlobalValNode start(NodeSettings settings, ValueCodec codec, Transport transport,
			ChangeListener listener, EngineRuntime runtime) {
		DefaultGlobalValNode node = new DefaultGlobalValNode(settings, codec, transport, null, runtime);
		if (listener != null) {
			listener.onStart(node);
			node.addListener(listener);
		}
		try {
			GroupLock lock = null;
			if (settings.role() != RolePreference.WORKER) {
				lock = runtime.tryLock(settings);
				if (lock == null && settings.role() == RolePreference.MASTER) {
					throw new GlobalValException(("globalval.role=master, but another process holds %s, so a master of "
							+ "'%s' is already running; use role auto or worker for this process")
						.formatted(settings.lockFile(), settings.name()));
				}
			}
			else {
				runtime.prepareDirectory(settings.directory());
			}
			if (lock != null && settings.role() == RolePreference.AUTO && node.membersMayBeAhead(lock)) {
				lock.close();
				lock = null;
			}
			synchronized (node) {
				if (lock != null && settings.role() == RolePreference.AUTO) {
					node.becomeMasterOrWorker(lock);
				}
				else if (lock != null) {
					node.becomeMaster(lock);
				}
				else {
					node.becomeWorker();
				}
			}
		}
		catch (IOException ex) {
			node.close();
			throw new UncheckedIOException("Cannot set up globalval in " + settings.directory(), ex);
		}
		return node;
	}

	/**
	 * Start a node whose changes a remote sequencer orders (a Redis server, for example),
	 * with a listener that is added before the sequencer starts, so that it is told about
	 * everything the node applies: its role first, then the first snapshot and every
	 * change after it. Internal: use {@link io.globalval.GlobalValNodes}.
	 * @param settings the settings (the socket directory and the role preference are not used)
	 * @param codec the value codec
	 * @param sequencer the sequencer, started here and closed with the node
	 * @param listener the listener, or {@code null}
	 * @return the started node; it is ready once the sequencer has delivered a first snapshot
	 * @throws GlobalValException if the sequencer cannot be reached
	 */
	public static DefaultGlobalValNode start(NodeSettings settings, ValueCodec codec, RemoteSequencer sequencer,
			ChangeListener listener) {
		DefaultGlobalValNode node = new DefaultGlobalValNode(settings, codec, null, sequencer,
				EngineRuntime.system());
		if (listener != null) {
			node.addListener(listener);
		}
		PeerRole peer = new PeerRole(node.state, sequencer, node.ready);
		synchronized (node) {
			node.role = peer;
		}
		// before the sequencer starts, so that listeners hear of the role before the first snapshot
		node.state.roleDecided(Role.PEER);
		try {
			peer.start();
		}
		catch (RuntimeException ex) {
			node.close();
			throw ex;
		}
		logger.info("globalval '{}': role PEER, node {}, sequencer at {}", settings.name(), node.state.nodeId,
				sequencer.address());
		return node;
	}

	private void becomeWorker() {
		WorkerRole worker = new WorkerRole(this.state, this, this.ready);
		this.role = worker;
		this.state.roleDecided(Role.WORKER);
		worker.attachTransport(this.transport.connect(this.state.settings, worker));
		logger.info("globalval '{}': role WORKER, node {}, master at {}", this.state.settings.name(),
				this.state.nodeId, this.transport.address(this.state.settings));
	}

	/**
	 * With role auto, serve as master; if that fails (the persistence directory cannot be
	 * read or forced), leave the lock to another process and follow it as a worker.
	 */
	private void becomeMasterOrWorker(GroupLock lock) {
		try {
			becomeMaster(lock);
		}
		catch (IOException | RuntimeException ex) {
			logger.error("globalval '{}': could not serve as master ({}); this process goes on as a worker and does not "
					+ "take the lock for globalval.failover.max-wait", this.state.settings.name(), ex.toString());
			holdOffTakeOver();
			becomeWorker();
		}
	}

	private MasterRole becomeMaster(GroupLock lock) throws IOException {
		MasterRole master;
		long epoch;
		try {
			epoch = Math.max(lock.readEpoch(), this.state.epoch) + 1;
			lock.writeEpoch(epoch);
			MasterRole[] created = new MasterRole[1];
			master = new MasterRole(this.state, lock, epoch, () -> stepDown(created[0]));
			created[0] = master;
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(lock);
			throw ex;
		}
		try {
			master.attachTransport(this.transport.serve(this.state.settings, master, lock));
		}
		catch (IOException | RuntimeException ex) {
			master.close();
			throw ex;
		}
		this.role = master;
		this.ready.complete(null);
		logger.info("globalval '{}': role MASTER, node {}, epoch {}, at {}", this.state.settings.name(),
				this.state.nodeId, epoch, this.transport.address(this.state.settings));
		this.state.roleDecided(Role.MASTER);
		this.state.connectionChanged(true);
		return master;
	}

	/**
	 * Take over as master if this worker may ({@link NodeSettings#takeOver()}) and the
	 * lock is free: writes the old master never answered are sequenced here, once the live
	 * members of the last group have reconnected and the most up to date log among theirs
	 * and this node's has been adopted.
	 * @param worker the worker role asking
	 * @return whether this node is now master
	 */
	synchronized boolean tryTakeOver(WorkerRole worker) {
		if (this.closed || this.role != worker || !this.state.settings.takeOver()
				|| (this.steppedDown && this.state.runtime.nanoTime() - this.takeOverNotBefore < 0)) {
			return false;
		}
		try {
			GroupLock lock = this.state.runtime.tryLock(this.state.settings);
			if (lock == null) {
				return false;
			}
			if (!this.state.replica.isReady() && membersMayBeAhead(lock)) {
				lock.close();
				return false;
			}
			long revision = this.state.replica.revision();
			MasterRole master = becomeMaster(lock);
			List<PendingWrite> unanswered = worker.retire();
			unanswered.forEach(master::resubmit);
			logger.info("Took over as master of '{}' at revision {} with {} writes to retry",
					this.state.settings.name(), revision, unanswered.size());
			return true;
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Taking over as master of '{}' failed; staying a worker", this.state.settings.name(), ex);
			return false;
		}
	}

	/**
	 * Fail-stop: this node's master role could not write its disk, so it stops being
	 * master (releasing the lock, so that another process takes over) and follows the new
	 * master as a worker; the changes it applied that no other process had are reported as
	 * discarded when it is welcomed. It does not take the lock again for
	 * {@code failover.max-wait}, so that a process with a working disk does.
	 * @param master the master role that failed
	 */
	synchronized void stepDown(MasterRole master) {
		if (this.closed || master == null || this.role != master) {
			return;
		}
		master.close();
		holdOffTakeOver();
		logger.error("globalval '{}': node {} stepped down as master (its disk failed); it goes on as a worker",
				this.state.settings.name(), this.state.nodeId);
		becomeWorker();
	}

	/** Leave the lock to others for {@code failover.max-wait}: this node could not serve as master. */
	private void holdOffTakeOver() {
		this.steppedDown = true;
		this.takeOverNotBefore = this.state.runtime.nanoTime() + this.state.settings.failoverMaxWait().toNanos();
	}

	/** A write that reached a worker role after it handed over to the master role. */
	void resubmit(PendingWrite write) {
		RoleEngine current = this.role;
		if (current instanceof MasterRole master) {
			master.resubmit(write);
		}
		else {
			write.future.completeExceptionally(new GlobalValException("No master to take " + write.describe()));
		}
	}

	/**
	 * Whether this node, holding a lock it found free but lacking the group's state (it
	 * just started, or has not had its first snapshot), must leave the lock to a member of
	 * the last master that is still alive: that member may hold changes this node has
	 * not, which would be lost if this node served its own (empty or stored) map. Bounded:
	 * after {@link #MEMBERS_WAIT_NANOS} from this node's start it takes the lock anyway (a
	 * member paused that long is fenced by the new epoch).
	 */
	private boolean membersMayBeAhead(GroupLock lock) throws IOException {
		EngineRuntime runtime = this.state.runtime;
		if (runtime.nanoTime() - this.startedNanos > MEMBERS_WAIT_NANOS) {
			return false;
		}
		for (long pid : lock.readMembers()) {
			if (pid != runtime.pid() && runtime.isAlive(pid)) {
				if (!this.deferredToMembers) {
					this.deferredToMembers = true;
					logger.info("The lock of '{}' is free, but process {} of its last master's group is alive and may "
							+ "hold newer state; this process joins as a worker until one of them takes over",
							this.state.settings.name(), pid);
				}
				return true;
			}
		}
		return false;
	}

	private static void closeQuietly(GroupLock lock) {
		try {
			lock.close();
		}
		catch (IOException ex) {
			logger.debug("Releasing the master lock failed", ex);
		}
	}

	@Override
	public Role role() {
		return this.role.role();
	}

	@Override
	public NodeSettings settings() {
		return this.state.settings;
	}

	@Override
	public String sequencerAddress() {
		RemoteSequencer remote = this.sequencer;
		return (remote != null) ? remote.address() : this.transport.address(this.state.settings);
	}

	@Override
	public Map<String, Object> sequencerDetails() {
		RemoteSequencer remote = this.sequencer;
		return (remote != null) ? remote.details() : Map.of();
	}

	@Override
	public Replica replica() {
		return this.state.replica;
	}

	@Override
	public long nodeId() {
		return this.state.nodeId;
	}

	/**
	 * Return the epoch of the master this node follows (or is).
	 * @return the epoch, 0 before the first connection
	 */
	public long epoch() {
		return this.state.epoch;
	}

	@Override
	public CompletableFuture<Long> set(String key, byte[] json) {
		return write((seq, now) -> new SetValue(seq, key, json, now));
	}

	@Override
	public CompletableFuture<Boolean> delete(String key) {
		return write((seq, now) -> new DeleteKey(seq, key, now));
	}

	@Override
	public CompletableFuture<Boolean> compareAndSet(String key, byte[] expected, byte[] update) {
		return write((seq, now) -> new CompareAndSetValue(seq, key, expected, update, now));
	}

	@Override
	public CompletableFuture<Long> increment(String key, long delta) {
		return write((seq, now) -> new IncrementValue(seq, key, delta, now));
	}

	@Override
	public CompletableFuture<Void> broadcast() {
		return write((seq, now) -> new BroadcastAll(seq));
	}

	/**
	 * Hand a write to the current role; its future completes with the command's result
	 * type. When as many writes of this process wait for their answer as
	 * {@code maxPendingWrites} allows, the caller's thread first waits for room (at most
	 * the write timeout); the write takes its sequence number and its time after the wait.
	 * The role numbers the write where the order of this process's writes is decided
	 * ({@link RoleEngine#write}).
	 */
	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<T> write(WriteFactory factory) {
		GlobalValException noRoom = awaitRoom(factory);
		if (noRoom != null) {
			return CompletableFuture.failedFuture(noRoom);
		}
		return (CompletableFuture<T>) (CompletableFuture<?>) this.role.write(factory, this.state.runtime.nanoTime());
	}

	/** Wait for room among the pending writes; return why there is none, or {@code null}. */
	private GlobalValException awaitRoom(WriteFactory factory) {
		NodeSettings settings = this.state.settings;
		try {
			if (this.role.awaitRoomForWrite(settings.writeTimeout().toNanos())) {
				return null;
			}
			return new GlobalValTimeoutException(("%s was not sent: %d writes of this process were waiting for their "
					+ "answer (globalval.max-pending-writes) for all of globalval.write-timeout (%s); the master of '%s' "
					+ "is slow or out of reach").formatted(factory.create(0, 0).describe(), settings.maxPendingWrites(),
							settings.writeTimeout(), settings.name()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new GlobalValException(
					factory.create(0, 0).describe() + " was not sent: interrupted while waiting for room among the "
							+ "pending writes", ex);
		}
	}

	@Override
	public CompletableFuture<Long> awaitRevision(long revision) {
		return this.state.awaitRevision(revision);
	}

	@Override
	public CompletableFuture<Void> ready() {
		return this.ready;
	}

	@Override
	public boolean isConnected() {
		RoleEngine current = this.role;
		return current != null && current.isConnected();
	}

	@Override
	public void addListener(ChangeListener listener) {
		this.state.addListener(listener);
	}

	@Override
	public void removeListener(ChangeListener listener) {
		this.state.removeListener(listener);
	}

	@Override
	public NodeMetrics metrics() {
		return this.state.metrics;
	}

	@Override
	public List<WorkerStatus> workers() {
		return this.role.workers();
	}

	@Override
	public void close() {
		RoleEngine current;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			current = this.role;
		}
		if (current != null) {
			current.close();
		}
		this.ready.completeExceptionally(new GlobalValException("Closed before it was ready"));
		this.state.closeEvents();
	}

}
