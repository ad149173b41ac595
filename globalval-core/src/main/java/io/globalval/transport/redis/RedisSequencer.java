package io.globalval.transport.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisReadOnlyException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValConnectionException;
import io.globalval.GlobalValException;
import io.globalval.GlobalValRejectedException;
import io.globalval.GlobalValTimeoutException;
import io.globalval.core.NodeSettings;
import io.globalval.core.RemoteSequencer;
import io.globalval.protocol.WriteCommand;
import io.globalval.protocol.WriteCommand.BroadcastAll;
import io.globalval.protocol.WriteCommand.CompareAndSetValue;
import io.globalval.protocol.WriteCommand.DeleteKey;
import io.globalval.protocol.WriteCommand.IncrementValue;
import io.globalval.protocol.WriteCommand.SetValue;
import io.globalval.protocol.WriteOutcome;

/**
 * A Redis server as the sequencer of an application's global values: every process is
 * a peer that sends its writes to Redis and follows the changes Redis ordered.
 *
 * <h2>Design</h2>
 * <ul>
 * <li><b>Sequencing.</b> A Lua script ({@code write.lua}, by {@code EVALSHA},
 * falling back to {@code EVAL} on {@code NOSCRIPT}) checks each write, takes the next revision
 * ({@code INCR}), stores the value and its revision in two hashes ({@code HSET}), and
 * appends the change to a stream with the id {@code <revision>-0} ({@code XADD MAXLEN ~}).
 * Redis runs a script alone, so compare-and-set and increment are atomic, and revisions
 * have no gaps. Keys are in {@link RedisKeys}: one hash tag per application. A write
 * leaves at once while fewer than two calls wait for their answer; the writes that queue
 * meanwhile leave together as the next call (a group commit, up to 256 writes or 512 KiB),
 * in the order they were made, with one answer per write.</li>
 * <li><b>Exactly once.</b> A write carries its origin's node id and sequence number; the
 * script keeps the outcome of each in a sorted set per origin and answers a repeat with
 * it. Lettuce sends a command again after a reconnect, and this class retries a write
 * that failed for a transient reason with the same id, so a write may reach Redis twice
 * but is applied once. Each write also carries the origin's lowest unsettled sequence
 * number; the outcomes below it are dropped, because the origin can never send those
 * writes again (a write settles when its last command completed and it will not be
 * retried, and Lettuce never sends a completed command). The low mark is computed and
 * the command queued under one lock, so a command that drops outcomes reaches Redis
 * before any command of a later-registered write.</li>
 * <li><b>Following.</b> A dedicated connection and thread load a snapshot (both hashes
 * and the revision read in one script, {@code snapshot.lua}), then read the stream from
 * that revision with {@code XREAD BLOCK}, applying changes strictly in revision order.
 * A reply is applied on the connection's event loop as it arrives, and while replies
 * bring changes the next read is sent from there: the thread waits, and takes over only
 * for what must wait for Redis (the history check, a fork, a snapshot). A gap (the stream was trimmed past this process) or an entry of another history
 * (Redis lost its data and began again) makes it reload the snapshot. A read that brings
 * nothing is followed by a check ({@code status.lua}) that Redis still holds the
 * history this process follows, so a lost history is noticed even when no one writes.</li>
 * <li><b>Forks.</b> Each entry names the write before it ({@code p}, kept in the
 * {@code last} key and given with the snapshot), so a history that went back (an older
 * RDB, an {@code everysec} AOF, a failover to a lagging replica) and took other writes is
 * noticed on the next entry, or by the check after an empty read. The follower then walks
 * back to the last revision where Redis and its change log hold the same write, reports
 * what it applied after it ({@link Follower#discardAfter}), and reloads the snapshot.</li>
 * <li><b>Connection loss.</b> Lettuce reconnects; the follower resumes from its revision
 * (it never skips one), and writes wait (bounded by the write timeout).</li>
 * <li><b>Topologies.</b> A standalone server; Sentinel (a {@link RedisClient} whose URI
 * names sentinels asks them for the primary on every connect and reconnect, so a failover
 * is followed by reconnecting); or a Redis Cluster through a {@link RedisClusterClient}
 * ({@link RedisConnection}): all keys share one hash tag, so every command goes to the
 * primary of one slot. Lettuce follows {@code MOVED}; a lost connection or {@code MOVED}
 * also reloads the topology here, whatever refresh options the client has, and a write try
 * that a dead node holds is given up after a share of the write timeout and sent again
 * where the slot is now. A failover is a history that may have gone back, as above.</li>
 * </ul>
 * Redis should persist (AOF) to keep acknowledged changes across its own restarts, and
 * must not evict these keys: {@link #start} refuses a Redis with {@code maxmemory} set and a
 * {@code maxmemory-policy} other than {@code noeviction} (a {@code volatile-*} policy would
 * evict the write ids, which have a time to live), unless eviction is allowed. With
 * {@code replicasToAck} set, a write is acknowledged only after {@code WAIT} says that many
 * replicas copied it.
 * <p>
 * Over 350 lines because it is the Redis transport's runner as well as its state: the
 * two connections, the write path with its retries, and the follower's snapshot, tail
 * and history checks share the one view of what Redis holds; the Lua scripts and the
 * key names are apart ({@link RedisScript}, {@link RedisKeys}).
 */
public final class RedisSequencer implements RemoteSequencer {

	private static final Logger logger = LoggerFactory.getLogger(RedisSequencer.class);

	/** How long past its block timeout a blocking read may take before it counts as failed. */
	private static final long TAIL_MARGIN_MILLIS = 5000;

	/** How much sooner than a write's deadline its WAIT for replicas ends. */
	private static final long WAIT_MARGIN_MILLIS = 250;

	/** Stream entries compared at once while looking for where a forked history parted. */
	private static final int FORK_SEARCH_BATCH = 256;

	/** How many of the latest applied write ids are kept to compare with the writes' answers. */
	private static final int APPLIED_IDS = 4096;

	/** Stream entries read at most at once. */
	private static final int READ_BATCH = 1000;

	private static final long FIRST_RETRY_MILLIS = 10;

	private static final long MAX_RETRY_MILLIS = 500;

	/**
	 * How many tries of a write to a Redis Cluster fit in the write timeout at least: each
	 * is given up after that share of it.
	 */
	private static final int CLUSTER_TRIES = 4;

	/** Batches of writes sent and not answered at most; more writes queue and leave as the next batch. */
	private static final int MAX_BATCHES_IN_FLIGHT = 2;

	/** The most writes in one batch. */
	private static final int MAX_BATCH_WRITES = 256;

	/** The most bytes of keys and values in one batch (a larger write goes alone). */
	private static final int MAX_BATCH_BYTES = 512 * 1024;

	/** The least time between two topology refreshes of a Cluster client's adaptive triggers. */
	private static final Duration ADAPTIVE_REFRESH_TIMEOUT = Duration.ofSeconds(1);

	/** How often a Cluster client of the sequencer's own refreshes its topology without a trigger. */
	private static final Duration PERIODIC_REFRESH = Duration.ofSeconds(30);

	/** A {@link RedisClient} (standalone or Sentinel) or a {@link RedisClusterClient}. */
	private final AbstractRedisClient client;

	private final RedisURI uri;

	private final boolean ownsClient;

	/** Where the client's own URI points, as its owner describes it; {@code null} if not told. */
	private final String clientAddress;

	/** The Sentinel master name of the client's own URI, as its owner tells it; {@code null} if none. */
	private final String clientSentinelMaster;

	private final RedisTransportSettings redis;

	/** Becomes the epoch of a new history if this process writes first into empty keys. */
	private final String epochCandidate = Long.toHexString(ThreadLocalRandom.current().nextLong());

	private final Object sendLock = new Object();

	/** Writes waiting for a batch to leave, in the order they were sent; guarded by {@link #sendLock}. */
	private final ArrayDeque<Attempt> queued = new ArrayDeque<>();

	/** Batches sent and not answered; guarded by {@link #sendLock}. */
	private int batchesInFlight;

	/** Sequence numbers of this process's writes that are not settled: they may still reach Redis. */
	private final ConcurrentSkipListSet<Long> unsettled = new ConcurrentSkipListSet<>();

	private volatile NodeSettings settings;

	private volatile Follower follower;

	private volatile RedisKeys keys;

	private volatile RedisConnection writeConnection;

	private volatile RedisConnection tailConnection;

	/**
	 * The sender thread: sends the writes that queued while batches were in flight, and
	 * retries; never an event loop (see {@link #answered}).
	 */
	private volatile ScheduledExecutorService retries;

	private volatile Thread tailThread;

	private volatile boolean tailConnected;

	private volatile boolean closed;

	/**
	 * The write ids of the last {@link #APPLIED_IDS} changes the follower applied, by
	 * revision, for writes answered with a revision that this process may hold with another
	 * write (a forked history); cleared by a snapshot.
	 */
	private final Map<Long, String> appliedIds = new ConcurrentHashMap<>();

	/** Successful writes answered before the follower applied their revision, by revision; see {@link #deliver}. */
	private final Map<Long, Delivery> awaitingApply = new ConcurrentHashMap<>();

	/** Outcomes of writes that wait for the next snapshot; see {@link #deliver}. */
	private final Queue<Runnable> afterSnapshot = new ConcurrentLinkedQueue<>();

	/** The outcome of the last check that Redis holds the history this process follows. */
	private volatile HistoryCheck lastHistoryCheck;

	// the tail thread's, and the event loop's while it applies a read (the tail thread waits meanwhile)

	/** The epoch of the history this process follows; {@code null} while Redis had none. */
	private String epoch;

	private boolean needSnapshot = true;

	/** The read of the stream in flight, to cancel it. */
	private volatile RedisFuture<List<StreamMessage<String, byte[]>>> currentRead;

	/** When a read of the stream last got its answer ({@link System#nanoTime()}). */
	private volatile long lastReadNanos;

	/** Why the last read found a forked history, for the tail thread to report; else {@code null}. */
	private String fork;

	/**
	 * The write id ({@code <origin>:<seq>}) of the change at the follower's revision, as
	 * Redis gave it; {@code null} when unknown (keys written before write ids were chained).
	 */
	private String lastId;

	/** Whether the changes lost to a fork were reported already, so the next snapshot does not again. */
	private boolean lossReported;

	/**
	 * Create a sequencer on a client that someone else owns (the application's, such as
	 * Spring Data Redis's {@code LettuceConnectionFactory.getNativeClient()}), connecting
	 * with the client's own URI. Closing the sequencer closes its connections, not the client.
	 * @param client the client, a {@link RedisClient} (standalone or Sentinel) or a
	 * {@link RedisClusterClient}
	 * @param settings the transport's settings
	 * @throws IllegalArgumentException if the client is neither
	 */
	public RedisSequencer(AbstractRedisClient client, RedisTransportSettings settings) {
		this(client, null, settings, false, null, null);
	}

	/**
	 * Create a sequencer on a client that someone else owns, connecting with the client's
	 * own URI, which the owner describes for logs and health details (Lettuce does not
	 * tell a client's URI). Closing the sequencer closes its connections, not the client.
	 * @param client the client, a {@link RedisClient} (standalone or Sentinel) or a
	 * {@link RedisClusterClient}
	 * @param settings the transport's settings
	 * @param clientAddress where the client connects, such as {@code redis://cache-1:6379},
	 * without a password; returned by {@link #address()}
	 * @throws IllegalArgumentException if the client is neither
	 */
	public RedisSequencer(AbstractRedisClient client, RedisTransportSettings settings, String clientAddress) {
		this(client, null, settings, false, clientAddress, null);
	}

	/**
	 * Create a sequencer on a client that someone else owns whose own URI is a Sentinel
	 * URI, connecting with it; the owner describes it for logs and health details (Lettuce
	 * does not tell a client's URI). Closing the sequencer closes its connections, not the
	 * client.
	 * @param client the client, a {@link RedisClient} (standalone or Sentinel) or a
	 * {@link RedisClusterClient}
	 * @param settings the transport's settings
	 * @param clientAddress where the client connects, without a password; returned by
	 * {@link #address()}
	 * @param sentinelMaster the name of the master the client's URI asks the sentinels for,
	 * or {@code null} if it is not a Sentinel URI
	 * @throws IllegalArgumentException if the client is neither
	 */
	public RedisSequencer(AbstractRedisClient client, RedisTransportSettings settings, String clientAddress,
			String sentinelMaster) {
		this(client, null, settings, false, clientAddress, sentinelMaster);
	}

	/**
	 * Create a sequencer on a client that someone else owns (the application's, for its
	 * event loops), connecting to a given URI. Closing the sequencer closes its connections,
	 * not the client.
	 * @param client the client, a {@link RedisClient}
	 * @param uri where Redis is (a standalone server or Sentinel)
	 * @param settings the transport's settings
	 * @throws IllegalArgumentException if the client is not a {@link RedisClient}
	 */
	public RedisSequencer(AbstractRedisClient client, RedisURI uri, RedisTransportSettings settings) {
		this(client, uri, settings, false, null, null);
	}

	private RedisSequencer(AbstractRedisClient client, RedisURI uri, RedisTransportSettings settings,
			boolean ownsClient, String clientAddress, String clientSentinelMaster) {
		if (client == null) {
			throw new IllegalArgumentException("'client' must not be null");
		}
		if (settings == null) {
			throw new IllegalArgumentException("'settings' must not be null");
		}
		if (!(client instanceof RedisClient) && !(client instanceof RedisClusterClient)) {
			throw new IllegalArgumentException("The globalval Redis transport needs a RedisClient (standalone or "
					+ "Sentinel) or a RedisClusterClient, not a " + client.getClass().getName());
		}
		if (client instanceof RedisClusterClient && uri != null) {
			throw new IllegalArgumentException("A RedisClusterClient connects to the nodes it was created with; "
					+ "create the sequencer on it without a URI (" + uri + ")");
		}
		this.client = client;
		this.uri = uri;
		this.redis = settings;
		this.ownsClient = ownsClient;
		this.clientAddress = clientAddress;
		this.clientSentinelMaster = clientSentinelMaster;
	}

	/**
	 * Create a sequencer with a client of its own, shut down when the sequencer closes.
	 * @param uri where Redis is
	 * @param settings the transport's settings
	 * @return the sequencer
	 */
	public static RedisSequencer create(RedisURI uri, RedisTransportSettings settings) {
		if (uri == null) {
			throw new IllegalArgumentException("'uri' must not be null");
		}
		return new RedisSequencer(RedisClient.create(), uri, settings, true, null, null);
	}

	/**
	 * Create a sequencer with a Redis Cluster client of its own, shut down when the
	 * sequencer closes. The client refreshes its view of the Cluster on every adaptive
	 * trigger ({@code MOVED}, {@code ASK}, persistent reconnects, ...) and periodically,
	 * so that it follows a failover of the primary that owns this application's slot.
	 * @param seeds some nodes of the Cluster; the client discovers the others
	 * @param settings the transport's settings
	 * @return the sequencer
	 */
	public static RedisSequencer createCluster(Iterable<RedisURI> seeds, RedisTransportSettings settings) {
		if (seeds == null || !seeds.iterator().hasNext()) {
			throw new IllegalArgumentException("'seeds' must not be empty");
		}
		RedisClusterClient client = RedisClusterClient.create(seeds);
		client.setOptions(ClusterClientOptions.builder()
			.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
				.enableAllAdaptiveRefreshTriggers()
				.adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_TIMEOUT)
				.enablePeriodicRefresh(PERIODIC_REFRESH)
				.build())
			.build());
		List<String> nodes = new ArrayList<>();
		seeds.forEach((seed) -> nodes.add(seed.getHost() + ":" + seed.getPort()));
		return new RedisSequencer(client, null, settings, true, "redis-cluster://" + String.join(",", nodes), null);
	}

	@Override
	public String address() {
		if (this.uri != null) {
			return this.uri.toString();
		}
		return (this.clientAddress != null) ? this.clientAddress : "Redis";
	}

	/**
	 * Return the topology ({@code mode} standalone, sentinel with its {@code master} name,
	 * or cluster with the {@code slot} of this application's keys and its current
	 * {@code owner}) and, once there was one, the time and outcome of the last check of
	 * the history ({@code historyCheck}: after a read that brought nothing, or when a change
	 * or a snapshot showed that Redis went back).
	 * @return the details
	 */
	@Override
	public Map<String, Object> details() {
		Map<String, Object> topology = new LinkedHashMap<>();
		RedisKeys names = this.keys;
		String sentinelMaster = (this.uri != null && !this.uri.getSentinels().isEmpty())
				? this.uri.getSentinelMasterId() : this.clientSentinelMaster;
		if (this.client instanceof RedisClusterClient) {
			topology.put("mode", "cluster");
			RedisConnection connection = this.writeConnection;
			if (names != null) {
				topology.put("slot", SlotHash.getSlot(names.changes));
				String owner = (connection != null) ? connection.ownerOf(names.changes) : null;
				topology.put("owner", (owner != null) ? owner : "unknown");
			}
		}
		else if (sentinelMaster != null) {
			topology.put("mode", "sentinel");
			topology.put("master", sentinelMaster);
		}
		else {
			topology.put("mode", "standalone");
		}
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("topology", topology);
		HistoryCheck check = this.lastHistoryCheck;
		if (check != null) {
			details.put("historyCheck", Map.of("at", check.at().toString(), "outcome", check.outcome()));
		}
		return details;
	}

	private void historyChecked(String outcome) {
		this.lastHistoryCheck = new HistoryCheck(Instant.now(), outcome);
	}

	@Override
	public boolean isConnected() {
		RedisConnection write = this.writeConnection;
		RedisConnection tail = this.tailConnection;
		return !this.closed && this.tailConnected && write != null && write.isOpen() && tail != null && tail.isOpen();
	}

	@Override
	public void start(NodeSettings settings, Follower follower) {
		if (this.follower != null) {
			throw new IllegalStateException("This Redis sequencer was started already; make one per node");
		}
		if (!this.client.getOptions().isAutoReconnect()) {
			throw new GlobalValException("The Redis client of '" + settings.name() + "' does not reconnect "
					+ "(ClientOptions.autoReconnect is false), but the globalval Redis transport needs it to resume "
					+ "after a lost connection; enable it");
		}
		this.settings = settings;
		this.keys = new RedisKeys(settings.name());
		this.follower = follower;
		try {
			this.writeConnection = connect(settings, "write");
			this.tailConnection = connect(settings, "tail");
		}
		catch (RedisException ex) {
			close();
			throw new GlobalValConnectionException("Cannot connect to " + address() + " for the global values of '"
					+ settings.name() + "': " + ex.getMessage() + "; check that Redis runs there and the connection "
					+ "settings (spring.data.redis.*)", ex);
		}
		this.writeConnection.setTimeout(settings.writeTimeout());
		this.tailConnection.setTimeout(this.redis.blockTimeout().plusMillis(TAIL_MARGIN_MILLIS));
		try {
			checkEviction();
		}
		catch (GlobalValException ex) {
			close();
			throw ex;
		}
		this.retries = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "globalval-redis-sender-" + settings.name());
			thread.setDaemon(true);
			return thread;
		});
		RedisClusterAsyncCommands<String, byte[]> commands = this.writeConnection.async();
		for (RedisScript script : List.of(RedisScript.WRITE, RedisScript.SNAPSHOT, RedisScript.STATUS)) {
			// EVALSHA falls back to EVAL if this fails; loading early only saves that round trip
			commands.scriptLoad(script.source).whenComplete((sha, ex) -> {
				if (ex != null) {
					logger.debug("SCRIPT LOAD of {} failed; EVAL will load it", script, ex);
				}
			});
		}
		Thread thread = new Thread(this::follow, "globalval-redis-tail-" + settings.name());
		thread.setDaemon(true);
		this.tailThread = thread;
		thread.start();
		logger.info("globalval '{}' follows {} in {} (stream max length ~{})", settings.name(), address(),
				this.keys.prefix, this.redis.streamMaxLength());
	}

	/**
	 * Refuse a Redis that may evict keys: {@code maxmemory} set with a policy other than
	 * {@code noeviction} drops values, stream entries or (with a {@code volatile-*} policy)
	 * exactly the write ids, which have a time to live, without telling anyone.
	 */
	private void checkEviction() {
		String memory;
		try {
			memory = await(this.writeConnection.serverOf(this.keys.revision).info("memory"),
					this.settings.writeTimeout().toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			logger.warn("Cannot read the maxmemory-policy of {} ({}); make sure it is noeviction, or Redis may evict "
					+ "the global values of '{}' under memory pressure", address(), unwrap(ex).toString(), name());
			return;
		}
		String maxMemory = infoField(memory, "maxmemory");
		String policy = infoField(memory, "maxmemory_policy");
		if (policy == null || "noeviction".equals(policy) || maxMemory == null || "0".equals(maxMemory)) {
			return;
		}
		String message = ("%s has maxmemory %s with maxmemory-policy %s: under memory pressure it evicts keys, and "
				+ "would silently lose global values of '%s', stream entries or the write ids that keep retries "
				+ "exactly-once (%s)").formatted(address(), maxMemory, policy, name(),
						policy.startsWith("volatile") ? "those have a time to live, so volatile policies evict them first"
								: "any key may go");
		if (this.redis.allowEviction()) {
			logger.warn("{}; starting anyway as globalval.redis.allow-eviction=true", message);
			return;
		}
		throw new GlobalValException(message + ". Set maxmemory-policy noeviction on that Redis (CONFIG SET "
				+ "maxmemory-policy noeviction, and in its configuration), give globalval a Redis of its own, or set "
				+ "globalval.redis.allow-eviction=true to start anyway");
	}

	private static String infoField(String info, String field) {
		for (String line : info.split("\r?\n")) {
			if (line.startsWith(field + ":")) {
				return line.substring(field.length() + 1).trim();
			}
		}
		return null;
	}

	private RedisConnection connect(NodeSettings settings, String purpose) {
		return RedisConnection.open(this.client, this.uri, clientName(settings, purpose), this.keys.changes);
	}

	/**
	 * Return the name this process's connections have in {@code CLIENT LIST}:
	 * {@code globalval:<name>:<node name>:<purpose>}, with anything but letters, digits and
	 * {@code .-_:} replaced by {@code _}.
	 * @param settings the node's settings
	 * @param purpose {@code write} or {@code tail}
	 * @return the client name
	 */
	public static String clientName(NodeSettings settings, String purpose) {
		return ("globalval:" + settings.name() + ":" + settings.nodeName() + ":" + purpose)
			.replaceAll("[^A-Za-z0-9._:-]", "_");
	}

	// writes

	@Override
	public CompletableFuture<WriteOutcome> submit(long origin, WriteCommand command, long deadlineNanos) {
		Attempt attempt = new Attempt(origin, command, deadlineNanos);
		if (this.closed || this.writeConnection == null) {
			attempt.result.completeExceptionally(new GlobalValConnectionException(
					"The Redis sequencer of '" + name() + "' is " + (this.closed ? "closed" : "not started") + "; "
							+ command.describe() + " was not sent"));
			return attempt.result;
		}
		send(attempt);
		return attempt.result;
	}

	/**
	 * Send a write: at once when fewer than {@link #MAX_BATCHES_IN_FLIGHT} batches wait for
	 * their answer, else it queues and leaves with the writes queued beside it as one batch
	 * when an answer comes (a group commit: under load, one command and one script call for
	 * many writes; alone, a write waits for nothing).
	 */
	private void send(Attempt attempt) {
		synchronized (this.sendLock) {
			this.unsettled.add(attempt.command.seq());
			this.queued.add(attempt);
		}
		sendQueuedNow();
	}

	/** Fail the writes that queued for a batch and will not leave: the sequencer closed. */
	private void failQueued() {
		List<Attempt> left;
		synchronized (this.sendLock) {
			left = new ArrayList<>(this.queued);
			this.queued.clear();
		}
		for (Attempt attempt : left) {
			this.unsettled.remove(attempt.command.seq());
			attempt.result.completeExceptionally(new GlobalValConnectionException("The Redis sequencer of '" + name()
					+ "' was closed before " + attempt.command.describe() + " was sent"));
		}
	}

	/** Send what queued, as far as the batches in flight allow; never on an event loop (see {@link #answered}). */
	private void sendQueuedNow() {
		List<Batch> failed;
		synchronized (this.sendLock) {
			failed = sendQueued();
		}
		failDispatches(failed);
		if (this.closed) {
			failQueued();
		}
	}

	/**
	 * Send queued writes as batches while fewer than {@link #MAX_BATCHES_IN_FLIGHT} are in
	 * flight. Under {@link #sendLock}, so that the low mark of unsettled writes is computed
	 * and the command queued at once (see the class comment).
	 * @return the batches that could not be queued at all, to fail outside the lock
	 */
	private List<Batch> sendQueued() {
		List<Batch> failed = null;
		while (!this.closed && this.batchesInFlight < MAX_BATCHES_IN_FLIGHT && !this.queued.isEmpty()) {
			Batch batch = nextBatch();
			this.batchesInFlight++;
			try {
				dispatch(batch);
			}
			catch (RuntimeException ex) {
				// nothing was queued: the same rules as for a command that failed
				this.batchesInFlight--;
				batch.failure = ex;
				if (failed == null) {
					failed = new ArrayList<>(1);
				}
				failed.add(batch);
			}
		}
		return (failed != null) ? failed : List.of();
	}

	/** Take the next writes of one origin from the queue, bounded in count and bytes. */
	private Batch nextBatch() {
		Attempt first = this.queued.poll();
		List<Attempt> attempts = new ArrayList<>(Math.min(this.queued.size() + 1, MAX_BATCH_WRITES));
		attempts.add(first);
		int bytes = payloadBytes(first.command);
		while (attempts.size() < MAX_BATCH_WRITES) {
			Attempt next = this.queued.peek();
			if (next == null || next.origin != first.origin) {
				break;
			}
			int nextBytes = payloadBytes(next.command);
			if (bytes + nextBytes > MAX_BATCH_BYTES) {
				break;
			}
			bytes += nextBytes;
			attempts.add(this.queued.poll());
		}
		return new Batch(attempts);
	}

	/** Roughly the bytes a write puts in a batch: its key and values. */
	private static int payloadBytes(WriteCommand command) {
		int bytes = (command.key() != null) ? command.key().length() : 0;
		byte[] value = command.newValue();
		if (value != null) {
			bytes += value.length;
		}
		if (command instanceof CompareAndSetValue cas && cas.expected() != null) {
			bytes += cas.expected().length;
		}
		return bytes;
	}

	private void dispatch(Batch batch) {
		RedisKeys keys = this.keys;
		Attempt first = batch.attempts.get(0);
		String[] scriptKeys = { keys.revision, keys.values, keys.revisions, keys.changes, keys.writes(first.origin),
				keys.epoch, keys.last };
		boolean cluster = this.writeConnection.isCluster();
		boolean direct = cluster && this.redis.replicasToAck() > 0;
		byte[][] args = arguments(batch, this.unsettled.first());
		int bytes = 0;
		for (byte[] arg : args) {
			bytes += arg.length;
		}
		// WAIT must go where the write ran: in a Cluster, straight to the slot's primary (a MOVED
		// answer then makes it retry there after the topology is reloaded), else routed by key
		RedisClusterAsyncCommands<String, byte[]> commands = direct ? this.writeConnection.serverOf(keys.changes)
				: this.writeConnection.async();
		boolean useEval = false;
		for (Attempt attempt : batch.attempts) {
			useEval |= attempt.useEval;
			attempt.sentTo = commands;
		}
		RedisFuture<List<Object>> call = useEval
				? commands.eval(RedisScript.WRITE.source, ScriptOutputType.MULTI, scriptKeys, args)
				: commands.evalsha(RedisScript.WRITE.sha, ScriptOutputType.MULTI, scriptKeys, args);
		this.follower.metrics().addBytesSent(bytes);
		if (!cluster) {
			call.whenComplete((reply, ex) -> answered(batch, reply, ex));
			return;
		}
		// a try sent to a Cluster node that died waits there for it to come back: give it up after a
		// while, so that the next try goes where the reloaded topology says the slot is now
		long tryMillis = Math.max(1, this.settings.writeTimeout().toMillis() / CLUSTER_TRIES);
		call.toCompletableFuture().copy().orTimeout(tryMillis, TimeUnit.MILLISECONDS).whenComplete((reply, ex) -> {
			if (ex != null && unwrap(ex) instanceof TimeoutException) {
				// a cancelled command is not sent again after a reconnect
				call.cancel(true);
			}
			answered(batch, reply, ex);
		});
	}

	/**
	 * A batch was answered (or failed): have what queued meanwhile sent, then settle each
	 * of its writes. The queued writes leave from the sender thread, never from here: this
	 * runs on the connection's event loop, where Netty writes at once, ahead of the writes
	 * other threads handed to the loop before (they wait in its task queue), which would
	 * put a process's writes in Redis out of the order they were made.
	 */
	private void answered(Batch batch, List<Object> reply, Throwable ex) {
		boolean more;
		synchronized (this.sendLock) {
			this.batchesInFlight--;
			more = !this.queued.isEmpty();
		}
		if (more) {
			try {
				this.retries.execute(this::sendQueuedNow);
			}
			catch (RuntimeException rejected) {
				failQueued();
			}
		}
		List<Attempt> attempts = batch.attempts;
		Throwable failure = ex;
		if (failure == null && (reply == null || reply.size() != attempts.size())) {
			failure = new RedisException("expected " + attempts.size() + " answers, got " + reply);
		}
		boolean waitForReplicas = this.redis.replicasToAck() > 0;
		List<Attempt> applied = waitForReplicas ? new ArrayList<>(attempts.size()) : null;
		List<WriteOutcome> outcomes = waitForReplicas ? new ArrayList<>(attempts.size()) : null;
		for (int i = 0; i < attempts.size(); i++) {
			Attempt attempt = attempts.get(i);
			if (failure != null) {
				completed(attempt, failure);
				continue;
			}
			Object answer = reply.get(i);
			if (answer instanceof List<?> list && !list.isEmpty() && "err".equals(text(list.get(0)))) {
				completed(attempt, new RedisCommandExecutionException(text((list.size() > 1) ? list.get(1) : null)));
				continue;
			}
			this.unsettled.remove(attempt.command.seq());
			WriteOutcome result = outcome(attempt, answer);
			if (result == null) {
				continue;
			}
			if (waitForReplicas) {
				applied.add(attempt);
				outcomes.add(result);
			}
			else {
				deliver(attempt, result);
			}
		}
		if (waitForReplicas && !applied.isEmpty()) {
			awaitReplicas(applied, outcomes);
		}
	}

	private void failDispatches(List<Batch> failed) {
		for (Batch batch : failed) {
			for (Attempt attempt : batch.attempts) {
				completed(attempt, batch.failure);
			}
		}
	}

	/**
	 * The arguments of {@code write.lua} for a batch: what is common to it first, then
	 * eight for each write.
	 */
	private byte[][] arguments(Batch batch, long lowestUnsettled) {
		List<Attempt> attempts = batch.attempts;
		long retentionMillis = Math.max(this.redis.writeIdRetention().toMillis(),
				2 * this.settings.writeTimeout().toMillis());
		byte[][] args = new byte[6 + 8 * attempts.size()][];
		args[0] = ascii(attempts.get(0).origin);
		args[1] = ascii(this.redis.streamMaxLength());
		args[2] = ascii(lowestUnsettled);
		args[3] = ascii(retentionMillis);
		args[4] = ascii(this.epochCandidate);
		args[5] = ascii(this.redis.maxWriteIdsPerNode());
		int at = 6;
		for (Attempt attempt : attempts) {
			writeArguments(attempt.command, args, at);
			at += 8;
		}
		return args;
	}

	/**
	 * The eight arguments of {@code write.lua} for one write: the one place that knows how
	 * each kind of write is put to the script.
	 */
	private static void writeArguments(WriteCommand command, byte[][] args, int at) {
		byte[] op;
		byte[] value = null;
		byte[] expected = null;
		long delta = 0;
		if (command instanceof SetValue set) {
			op = OP_SET;
			value = set.value();
		}
		else if (command instanceof DeleteKey) {
			op = OP_DELETE;
		}
		else if (command instanceof CompareAndSetValue cas) {
			op = OP_COMPARE_AND_SET;
			value = cas.update();
			expected = cas.expected();
		}
		else if (command instanceof IncrementValue increment) {
			op = OP_INCREMENT;
			delta = increment.delta();
		}
		else if (command instanceof BroadcastAll) {
			op = OP_RESYNC;
		}
		else {
			throw new IllegalArgumentException("write.lua has no operation for " + command);
		}
		args[at] = op;
		args[at + 1] = (command.key() != null) ? command.key().getBytes(StandardCharsets.UTF_8) : EMPTY;
		args[at + 2] = (value != null) ? value : EMPTY;
		args[at + 3] = (expected != null) ? expected : EMPTY;
		args[at + 4] = (expected != null) ? ONE : ZERO;
		args[at + 5] = (delta != 0) ? ascii(delta) : ZERO;
		args[at + 6] = ascii(command.seq());
		args[at + 7] = ascii(command.originNanos());
	}

	private static final byte[] EMPTY = new byte[0];

	private static final byte[] ZERO = ascii(0);

	private static final byte[] ONE = ascii(1);

	private static final byte[] OP_SET = ascii("S");

	private static final byte[] OP_DELETE = ascii("D");

	private static final byte[] OP_COMPARE_AND_SET = ascii("C");

	private static final byte[] OP_INCREMENT = ascii("I");

	private static final byte[] OP_RESYNC = ascii("B");

	private static byte[] ascii(Object value) {
		return String.valueOf(value).getBytes(StandardCharsets.US_ASCII);
	}

	/** A try of a write failed: retry it, or fail it for good. */
	private void completed(Attempt attempt, Throwable ex) {
		WriteCommand write = attempt.command;
		Throwable cause = unwrap(ex);
		if (cause instanceof RedisNoScriptException || String.valueOf(cause.getMessage()).startsWith("NOSCRIPT")) {
			// Redis restarted or flushed its scripts: EVAL sends the script and caches it again
			attempt.useEval = true;
			retry(attempt, 0);
			return;
		}
		if (this.closed) {
			this.unsettled.remove(write.seq());
			attempt.result.completeExceptionally(new GlobalValConnectionException(
					"The Redis sequencer of '" + name() + "' was closed before " + write.describe() + " was answered",
					cause));
			return;
		}
		if (!retryable(cause)) {
			this.unsettled.remove(write.seq());
			attempt.result.completeExceptionally(new GlobalValException(
					address() + " refused " + write.describe() + " of '" + name() + "': " + cause.getMessage(), cause));
			return;
		}
		long now = System.nanoTime();
		if (now - attempt.deadlineNanos >= 0) {
			this.unsettled.remove(write.seq());
			attempt.result.completeExceptionally(new GlobalValTimeoutException(("No answer from %s to %s of '%s' "
					+ "within globalval.write-timeout (%s), last error: %s; it may still be applied")
				.formatted(address(), write.describe(), name(), this.settings.writeTimeout(), cause)));
			return;
		}
		if (!(cause instanceof RedisCommandExecutionException) || String.valueOf(cause.getMessage()).startsWith("MOVED")) {
			this.writeConnection.topologyMayHaveChanged();
		}
		attempt.tries++;
		long delayMillis = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(attempt.tries, 10));
		delayMillis = Math.min(delayMillis, TimeUnit.NANOSECONDS.toMillis(attempt.deadlineNanos - now));
		if (attempt.tries == 1) {
			logger.debug("{} of '{}' failed ({}); retrying with the same write id", write.describe(), name(),
					cause.toString());
		}
		retry(attempt, delayMillis);
	}

	private void retry(Attempt attempt, long delayMillis) {
		try {
			this.retries.schedule(() -> send(attempt), delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RuntimeException rejected) {
			this.unsettled.remove(attempt.command.seq());
			attempt.result.completeExceptionally(new GlobalValConnectionException(
					"The Redis sequencer of '" + name() + "' was closed before " + attempt.command.describe()
							+ " was answered",
					rejected));
		}
	}

	/**
	 * Read a write's answer: its outcome, or {@code null} when the write was refused (an
	 * impossible increment) or the answer is not understood, and the write failed here.
	 */
	private WriteOutcome outcome(Attempt attempt, Object answer) {
		WriteCommand write = attempt.command;
		try {
			@SuppressWarnings("unchecked")
			List<Object> reply = (List<Object>) answer;
			String status = text(reply.get(0));
			if ("rej".equals(status)) {
				// only an increment is refused
				String current = text(reply.get(2));
				long delta = (write instanceof IncrementValue increment) ? increment.delta() : 0;
				String message = "overflow".equals(text(reply.get(1)))
						? "Incrementing '" + write.key() + "' (" + current + ") by " + delta + " would overflow a long"
						: "Value of '" + write.key() + "' is not an integer; cannot increment it (set it to a number first)";
				attempt.result.completeExceptionally(new GlobalValRejectedException(message));
				return null;
			}
			// seq|revision|success|number
			String[] record = text(reply.get(1)).split("\\|", 4);
			return new WriteOutcome(Long.parseLong(record[1]), "1".equals(record[2]), Long.parseLong(record[3]));
		}
		catch (RuntimeException bad) {
			attempt.result.completeExceptionally(new GlobalValException(
					"Unexpected answer from " + address() + " to " + write.describe() + ": " + answer, bad));
			return null;
		}
	}

	/**
	 * Acknowledge the writes of a batch once {@code globalval.redis.replicas-to-ack}
	 * replicas copied them: one {@code WAIT} covers every write its connection sent before
	 * it, so one for the batch covers all of them. It ends a little before the earliest
	 * deadline among them, so that its answer, not a deadline, says what happened.
	 */
	private void awaitReplicas(List<Attempt> attempts, List<WriteOutcome> outcomes) {
		int replicas = this.redis.replicasToAck();
		long earliest = attempts.get(0).deadlineNanos;
		for (Attempt attempt : attempts) {
			earliest = (attempt.deadlineNanos - earliest < 0) ? attempt.deadlineNanos : earliest;
		}
		long remainingMillis = TimeUnit.NANOSECONDS.toMillis(earliest - System.nanoTime());
		long timeoutMillis = Math.max(1, remainingMillis - Math.min(WAIT_MARGIN_MILLIS, remainingMillis / 4));
		attempts.get(0).sentTo.waitForReplication(replicas, timeoutMillis).whenComplete((acked, ex) -> {
			for (int i = 0; i < attempts.size(); i++) {
				Attempt attempt = attempts.get(i);
				WriteOutcome result = outcomes.get(i);
				if (ex == null && acked != null && acked >= replicas) {
					deliver(attempt, result);
					continue;
				}
				String why = (ex != null) ? "WAIT failed: " + unwrap(ex) : "only " + acked + " acknowledged it";
				attempt.result.completeExceptionally(new GlobalValTimeoutException(("%s of '%s' was applied by %s at "
						+ "revision %d, but it did not reach globalval.redis.replicas-to-ack=%d replicas within "
						+ "globalval.write-timeout (%s): %s. It is applied and may still be kept, or lost if %s fails "
						+ "over to a replica before one copies it (every peer then reports it as discarded)")
					.formatted(attempt.command.describe(), name(), address(), result.revision(), replicas,
							this.settings.writeTimeout(), why, address())));
			}
		});
	}

	/**
	 * Hand a write's outcome to the node, which completes it once this process applied its
	 * revision. If this process applied another write at that revision, its history forked
	 * from Redis's (Redis went back and took this write there): the outcome waits for the
	 * snapshot that the follower loads once it notices, or the caller would be told of a
	 * revision that this process holds with another value.
	 */
	private void deliver(Attempt attempt, WriteOutcome result) {
		if (!result.success()) {
			// its revision is the one it was decided at, not one it wrote: nothing to compare
			attempt.result.complete(result);
			return;
		}
		long revision = result.revision();
		String applied = this.appliedIds.get(revision);
		if (applied == null && this.follower.revision() >= revision) {
			// the id is kept before the revision shows: read again in case it was applied just now
			applied = this.appliedIds.get(revision);
			if (applied == null) {
				// applied with a snapshot, or longer ago than the ids kept: nothing to compare
				attempt.result.complete(result);
				return;
			}
		}
		if (applied == null) {
			// the follower compares when it applies the revision, unless it did so meanwhile
			Delivery delivery = new Delivery(attempt, result);
			if (this.awaitingApply.putIfAbsent(revision, delivery) != null) {
				attempt.result.complete(result);
				return;
			}
			applied = this.appliedIds.get(revision);
			if (applied == null || !this.awaitingApply.remove(revision, delivery)) {
				return;
			}
		}
		if (applied.equals(attempt.writeId())) {
			attempt.result.complete(result);
			return;
		}
		logger.debug("{} of '{}' got revision {}, where this process applied write {}; completing it after the "
				+ "next snapshot", attempt.command.describe(), name(), revision, applied);
		this.afterSnapshot.add(() -> attempt.result.complete(result));
	}

	/**
	 * The follower applied a change: complete the write of this process that Redis
	 * answered with its revision, or fail it if the change is another write, because the
	 * history Redis gives this process went back after it answered, without that write.
	 * Tail thread only.
	 */
	private void appliedWrite(long revision, String writeId) {
		Delivery delivery = this.awaitingApply.remove(revision);
		if (delivery == null) {
			return;
		}
		Attempt attempt = delivery.attempt();
		if (writeId.equals(attempt.writeId())) {
			attempt.result.complete(delivery.result());
			return;
		}
		attempt.result.completeExceptionally(new GlobalValException(("%s of '%s' was applied by %s at revision %d, "
				+ "but Redis then gave this process write %s at that revision: its history went back after it "
				+ "answered (a failover to a replica that lagged, a restart from an older file) and this write is "
				+ "not in it; write it again if it still applies, or set globalval.redis.replicas-to-ack so that a "
				+ "failover keeps acknowledged writes")
			.formatted(attempt.command.describe(), name(), address(), revision, writeId)));
	}

	private static boolean retryable(Throwable cause) {
		if (cause instanceof RedisCommandExecutionException) {
			String message = String.valueOf(cause.getMessage());
			return cause instanceof RedisLoadingException || cause instanceof RedisBusyException
					|| cause instanceof RedisReadOnlyException || message.startsWith("LOADING")
					|| message.startsWith("BUSY") || message.startsWith("TRYAGAIN")
					|| message.startsWith("CLUSTERDOWN") || message.startsWith("MASTERDOWN")
					|| message.startsWith("READONLY") || message.startsWith("NOREPLICAS")
					|| message.startsWith("OOM") || message.startsWith("MOVED") || message.startsWith("ASK");
		}
		// lost connections (Lettuce may hand over the socket's IOException) and command timeouts:
		// the command may or may not have run, and the write id makes sending it again safe
		return true;
	}

	// following

	private void follow() {
		long failures = 0;
		while (!this.closed) {
			try {
				if (this.needSnapshot) {
					loadSnapshot();
					this.needSnapshot = false;
				}
				long revision = this.follower.revision();
				// replies are applied on the connection's event loop as they arrive, and while they
				// bring changes the next read is sent from there too: no thread hand-off per change;
				// this thread takes over when a read brings nothing, or something to act on
				CompletableFuture<Read> reads = new CompletableFuture<>();
				readAndApply(revision, reads);
				Read outcome = awaitReads(reads);
				tailAnswered();
				if (failures > 0) {
					logger.info("globalval '{}' follows {} again from revision {}", name(), address(), revision);
					failures = 0;
				}
				if (outcome == Read.NOTHING) {
					checkHistory(revision);
				}
				else if (outcome == Read.FORKED) {
					reportFork(this.follower.revision(), this.fork);
					this.fork = null;
					this.needSnapshot = true;
				}
				else if (outcome == Read.SNAPSHOT_NEEDED) {
					this.needSnapshot = true;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				if (this.closed) {
					break;
				}
				this.tailConnected = false;
				this.follower.connectionChanged(false);
				this.tailConnection.topologyMayHaveChanged();
				failures++;
				Throwable cause = unwrap(ex);
				if (failures == 1) {
					logger.warn("globalval '{}' lost {} at revision {} ({}); resuming from there",
							name(), address(), this.follower.revision(), cause.toString());
				}
				else {
					logger.debug("globalval '{}': reading {} failed again", name(), address(), cause);
				}
				try {
					Thread.sleep(Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failures, 10)));
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
	}

	/**
	 * Read the stream after a revision and apply what comes, on the event loop; while reads
	 * bring changes, read again from there. Completes {@code reads} with the outcome of the
	 * first read that did not just apply changes.
	 */
	private void readAndApply(long revision, CompletableFuture<Read> reads) {
		RedisFuture<List<StreamMessage<String, byte[]>>> read;
		try {
			read = this.tailConnection.async()
				.xread(XReadArgs.Builder.block(this.redis.blockTimeout().toMillis()).count(READ_BATCH),
						XReadArgs.StreamOffset.from(this.keys.changes, revision + "-0"));
		}
		catch (RuntimeException ex) {
			reads.completeExceptionally(ex);
			return;
		}
		this.currentRead = read;
		read.whenComplete((messages, ex) -> {
			if (ex != null) {
				reads.completeExceptionally(ex);
				return;
			}
			this.lastReadNanos = System.nanoTime();
			if (!this.tailConnected) {
				tailAnswered();
			}
			Read outcome;
			try {
				outcome = applyAll(messages);
			}
			catch (RuntimeException failure) {
				reads.completeExceptionally(failure);
				return;
			}
			if (outcome == Read.APPLIED && !this.closed && !reads.isDone()) {
				readAndApply(this.follower.revision(), reads);
				return;
			}
			reads.complete(outcome);
		});
	}

	/**
	 * Wait for the reads of {@link #readAndApply} to come to something. They may go on for
	 * long while changes keep coming; only a read that gets no answer in time counts as
	 * failed, and is cancelled.
	 */
	private Read awaitReads(CompletableFuture<Read> reads)
			throws InterruptedException, ExecutionException, TimeoutException {
		long timeoutMillis = this.redis.blockTimeout().toMillis() + TAIL_MARGIN_MILLIS;
		this.lastReadNanos = System.nanoTime();
		while (true) {
			try {
				return reads.get(timeoutMillis, TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				if (System.nanoTime() - this.lastReadNanos < TimeUnit.MILLISECONDS.toNanos(timeoutMillis)) {
					// answers keep coming: the reads are making progress
					continue;
				}
				cancelRead(reads);
				throw ex;
			}
			catch (InterruptedException ex) {
				cancelRead(reads);
				throw ex;
			}
		}
	}

	private void cancelRead(CompletableFuture<Read> reads) {
		// stop the chain first, then the read in flight: a cancelled command is not sent again
		reads.cancel(false);
		RedisFuture<?> read = this.currentRead;
		if (read != null) {
			read.cancel(true);
		}
	}

	/**
	 * Apply what one read brought, on the event loop that decoded it, while the tail thread
	 * waits for the outcome; nothing here waits for Redis.
	 */
	private Read applyAll(List<StreamMessage<String, byte[]>> messages) {
		if (messages == null || messages.isEmpty()) {
			return Read.NOTHING;
		}
		for (StreamMessage<String, byte[]> message : messages) {
			if (!apply(message)) {
				return (this.fork != null) ? Read.FORKED : Read.SNAPSHOT_NEEDED;
			}
		}
		return Read.APPLIED;
	}

	/** Apply one stream entry; false if a snapshot must be loaded instead. */
	private boolean apply(StreamMessage<String, byte[]> message) {
		String id = message.getId();
		long revision = Long.parseLong(id.substring(0, id.indexOf('-')));
		Map<String, byte[]> body = message.getBody();
		String entryEpoch = text(body.get("e"));
		if (this.epoch != null && !this.epoch.equals(entryEpoch)) {
			logger.warn("The history of '{}' in {} was replaced (epoch {}, was {}): Redis lost its data and began "
					+ "again; reloading its snapshot", name(), address(), entryEpoch, this.epoch);
			return false;
		}
		long current = this.follower.revision();
		if (revision <= current) {
			return true;
		}
		if (revision != current + 1) {
			logger.info("Changes {} to {} of '{}' are no longer in the stream (trimmed to ~{}); reloading a snapshot",
					current + 1, revision - 1, name(), this.redis.streamMaxLength());
			return false;
		}
		String previous = text(body.get("p"));
		if (this.lastId != null && previous != null && !previous.equals(this.lastId)) {
			// reported by the tail thread: finding where the histories part waits for Redis
			this.fork = "revision " + revision + " in " + address() + " follows write " + previous
					+ ", but this process applied write " + this.lastId + " at revision " + current;
			return false;
		}
		long origin = Long.parseLong(text(body.get("o")));
		long seq = Long.parseLong(text(body.get("s")));
		byte[] key = body.get("k");
		if (key == null) {
			logger.debug("Revision {} of '{}' asks every process to reload a snapshot", revision, name());
			return false;
		}
		byte[] value = body.get("v");
		// nanoTime is comparable only within one process here: peers may be on other hosts
		long originNanos = (origin == this.follower.nodeId()) ? Long.parseLong(text(body.get("n"))) : 0;
		this.follower.metrics().addBytesReceived(key.length + ((value != null) ? value.length : 0));
		// known before the revision shows, so that a write answered with it can compare ids
		String writeId = writeId(origin, seq);
		this.appliedIds.put(revision, writeId);
		this.appliedIds.remove(revision - APPLIED_IDS);
		appliedWrite(revision, writeId);
		this.follower.applyChange(revision, new String(key, StandardCharsets.UTF_8), value, origin, seq,
				originNanos);
		this.lastId = writeId;
		if (this.epoch == null) {
			this.epoch = entryEpoch;
		}
		return true;
	}

	@SuppressWarnings("unchecked")
	private void loadSnapshot() throws InterruptedException, ExecutionException, TimeoutException {
		RedisKeys keys = this.keys;
		List<Object> reply = script(RedisScript.SNAPSHOT,
				new String[] { keys.revision, keys.values, keys.revisions, keys.epoch, keys.last }, new byte[0][]);
		// connected before the snapshot makes the node ready, not only once the first
		// blocking read of the stream returns, up to globalval.redis.block-timeout later
		tailAnswered();
		long revision = Long.parseLong(text(reply.get(0)));
		String snapshotEpoch = text(reply.get(1));
		String snapshotLastId = (reply.size() > 4) ? text(reply.get(4)) : null;
		List<Object> values = (List<Object>) reply.get(2);
		List<Object> revisions = (List<Object>) reply.get(3);
		Map<String, Long> revisionOf = new HashMap<>(Math.max(16, revisions.size()));
		for (int i = 0; i + 1 < revisions.size(); i += 2) {
			revisionOf.put(text(revisions.get(i)), Long.parseLong(text(revisions.get(i + 1))));
		}
		List<Entry> entries = new ArrayList<>(values.size() / 2);
		long bytes = 0;
		for (int i = 0; i + 1 < values.size(); i += 2) {
			String key = text(values.get(i));
			byte[] json = (byte[]) values.get(i + 1);
			bytes += json.length;
			entries.add(new Entry(key, json, revisionOf.getOrDefault(key, revision)));
		}
		long current = this.follower.revision();
		if (this.follower.isReady() && !this.lossReported) {
			if (this.epoch != null && !this.epoch.equals(snapshotEpoch)) {
				// another history altogether: nothing this process applied is in it
				String why = address() + " holds another history of '" + name() + "' (epoch " + snapshotEpoch
						+ ", was " + this.epoch + "): Redis lost its data";
				historyChecked("discarded every change: " + why);
				this.follower.discardAfter(0, why);
			}
			else if (revision < current) {
				reportLoss(revision, address() + " holds revision " + revision + " of '" + name()
						+ "', behind this process's " + current + ": Redis went back (a failover to a replica that "
						+ "lagged, a restart from an older file, or without persistence)");
			}
			else if (revision == current && this.lastId != null && snapshotLastId != null
					&& !snapshotLastId.equals(this.lastId)) {
				reportLoss(current, address() + " holds write " + snapshotLastId + " at revision " + current
						+ " where this process applied " + this.lastId + ": Redis went back and took other writes");
			}
		}
		this.lossReported = false;
		this.follower.metrics().addBytesReceived(bytes);
		this.epoch = snapshotEpoch;
		this.lastId = snapshotLastId;
		this.appliedIds.clear();
		this.follower.applySnapshot(revision, entries);
		// which write a snapshot holds at a revision is not known: those it covers complete as they are
		this.awaitingApply.entrySet().removeIf((waiting) -> {
			if (waiting.getKey() > revision) {
				return false;
			}
			waiting.getValue().attempt().result.complete(waiting.getValue().result());
			return true;
		});
		for (Runnable delivery = this.afterSnapshot.poll(); delivery != null; delivery = this.afterSnapshot.poll()) {
			delivery.run();
		}
		logger.debug("Loaded a snapshot of '{}': {} keys at revision {}", name(), entries.size(), revision);
	}

	/**
	 * The history in Redis forked from this process's at or before its revision: report
	 * what this process applied after the last revision both share; a snapshot follows.
	 */
	private void reportFork(long current, String why) {
		reportLoss(current, why);
		this.lossReported = true;
	}

	/**
	 * Report the changes this process applied that Redis no longer holds: after the last
	 * revision, at most {@code upTo}, where Redis's stream and this process's change log
	 * hold the same write.
	 */
	private void reportLoss(long upTo, String why) {
		long kept;
		try {
			kept = lastSharedRevision(upTo);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kept = 0;
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			logger.debug("Finding where the history of '{}' forked failed", name(), ex);
			kept = 0;
		}
		historyChecked("discarded the changes after revision " + kept + ": " + why);
		this.follower.discardAfter(kept, why);
		checkSequencedAhead(kept, why);
	}

	/**
	 * This process's writes answered with a revision after the last one kept, and not
	 * applied here yet, were sequenced either in the history that was lost or in Redis's new
	 * one: the entry Redis holds at their revision tells which. The lost ones fail now, before
	 * the snapshot that covers their revision would complete them.
	 */
	private void checkSequencedAhead(long kept, String why) {
		long timeoutMillis = this.settings.writeTimeout().toMillis() + TAIL_MARGIN_MILLIS;
		for (Map.Entry<Long, Delivery> waiting : this.awaitingApply.entrySet()) {
			long revision = waiting.getKey();
			Attempt attempt = waiting.getValue().attempt();
			if (revision <= kept) {
				continue;
			}
			String ours = attempt.writeId();
			String theirs = null;
			try {
				List<StreamMessage<String, byte[]>> entries = await(this.tailConnection.async()
					.xrange(this.keys.changes, Range.create(revision + "-0", revision + "-0")), timeoutMillis);
				if (!entries.isEmpty()) {
					theirs = writeId(entries.get(0).getBody());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				logger.debug("Reading revision {} of '{}' failed", revision, name(), ex);
			}
			if (!ours.equals(theirs) && this.awaitingApply.remove(revision, waiting.getValue())) {
				attempt.result.completeExceptionally(new GlobalValException(("%s of '%s' was sequenced at revision "
						+ "%d by %s, but Redis lost it before this process applied it (%s): it is not applied; write "
						+ "it again if it still holds, or set globalval.redis.replicas-to-ack so that a failover keeps "
						+ "acknowledged writes").formatted(attempt.command.describe(), name(), revision, address(), why)));
			}
		}
	}

	/**
	 * Walk back from a revision through Redis's stream and this process's change log to the
	 * last revision where both hold the same write. Where the log (or the stream) no longer
	 * reaches, that revision is taken as shared: what is older cannot be compared.
	 */
	private long lastSharedRevision(long upTo) throws InterruptedException, ExecutionException, TimeoutException {
		long timeoutMillis = this.settings.writeTimeout().toMillis() + TAIL_MARGIN_MILLIS;
		long below = upTo;
		while (below > 0) {
			List<StreamMessage<String, byte[]>> entries = await(this.tailConnection.async()
				.xrevrange(this.keys.changes, Range.create("-", below + "-0"), Limit.from(FORK_SEARCH_BATCH)),
					timeoutMillis);
			if (entries.isEmpty()) {
				// the stream was trimmed: older entries cannot be compared
				return below;
			}
			for (StreamMessage<String, byte[]> entry : entries) {
				String id = entry.getId();
				long revision = Long.parseLong(id.substring(0, id.indexOf('-')));
				String ours = this.follower.writeIdAt(revision);
				String theirs = writeId(entry.getBody());
				if (ours == null || ours.equals(theirs)) {
					return revision;
				}
				below = revision - 1;
			}
		}
		return 0;
	}

	/** The tail connection got an answer from Redis. */
	private void tailAnswered() {
		this.tailConnected = true;
		this.follower.connectionChanged(true);
	}

	/** After a read that brought nothing: is the history in Redis still the one this process follows? */
	private void checkHistory(long revision) throws InterruptedException, ExecutionException, TimeoutException {
		RedisKeys keys = this.keys;
		List<Object> reply = script(RedisScript.STATUS,
				new String[] { keys.revision, keys.changes, keys.epoch, keys.last }, new byte[][] { ascii(revision) });
		long redisRevision = Long.parseLong(text(reply.get(0)));
		String redisEpoch = text(reply.get(1));
		boolean entriesAfter = ((Number) reply.get(2)).longValue() > 0;
		String redisLastId = (reply.size() > 3) ? text(reply.get(3)) : null;
		if (this.epoch != null && !this.epoch.equals(redisEpoch)) {
			logger.warn("The history of '{}' in {} is not the one this process follows (epoch {}, was {}): Redis "
					+ "lost its data; reloading its snapshot", name(), address(), redisEpoch, this.epoch);
			historyChecked("another history (epoch " + redisEpoch + ", was " + this.epoch + "): Redis lost its data");
			this.needSnapshot = true;
		}
		else if (redisRevision < revision) {
			// the snapshot reports what this process applied that Redis no longer holds
			historyChecked("went back to revision " + redisRevision + " from " + revision);
			this.needSnapshot = true;
		}
		else if (redisRevision == revision && this.lastId != null && redisLastId != null
				&& !redisLastId.equals(this.lastId)) {
			historyChecked("forked: write " + redisLastId + " at revision " + revision + ", this process applied "
					+ this.lastId);
			this.needSnapshot = true;
		}
		else if (redisRevision > revision && !entriesAfter) {
			logger.warn("The stream of '{}' in {} lacks the changes after revision {} (revision {} in Redis); "
					+ "reloading a snapshot", name(), address(), revision, redisRevision);
			historyChecked("the stream lacks the changes after revision " + revision + "; reloading a snapshot");
			this.needSnapshot = true;
		}
		else {
			historyChecked("same history at revision " + revision);
		}
	}

	private List<Object> script(RedisScript script, String[] scriptKeys, byte[][] args)
			throws InterruptedException, ExecutionException, TimeoutException {
		RedisClusterAsyncCommands<String, byte[]> commands = this.tailConnection.async();
		long timeoutMillis = this.settings.writeTimeout().toMillis() + TAIL_MARGIN_MILLIS;
		try {
			return await(commands.evalsha(script.sha, ScriptOutputType.MULTI, scriptKeys, args), timeoutMillis);
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof RedisNoScriptException)) {
				throw ex;
			}
			return await(commands.eval(script.source, ScriptOutputType.MULTI, scriptKeys, args), timeoutMillis);
		}
	}

	private static <T> T await(RedisFuture<T> future, long timeoutMillis)
			throws InterruptedException, ExecutionException, TimeoutException {
		try {
			return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | InterruptedException ex) {
			// a cancelled command is not sent again after a reconnect
			future.cancel(true);
			throw ex;
		}
	}

	/** A write id as stream entries, the {@code last} key and the follower's log give it. */
	private static String writeId(long origin, long seq) {
		return origin + ":" + seq;
	}

	/** The write id of a stream entry. */
	private static String writeId(Map<String, byte[]> entry) {
		return text(entry.get("o")) + ":" + text(entry.get("s"));
	}

	private static String text(Object bytes) {
		if (bytes == null) {
			return null;
		}
		if (bytes instanceof byte[] raw) {
			return new String(raw, StandardCharsets.UTF_8);
		}
		return bytes.toString();
	}

	private static Throwable unwrap(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private String name() {
		NodeSettings current = this.settings;
		return (current != null) ? current.name() : "?";
	}

	/**
	 * Stop following, close this sequencer's connections (failing the writes in flight),
	 * and shut the client down if the sequencer made it.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		Thread thread = this.tailThread;
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(Duration.ofSeconds(5).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		closeQuietly(this.tailConnection);
		closeQuietly(this.writeConnection);
		failQueued();
		ScheduledExecutorService executor = this.retries;
		if (executor != null) {
			executor.shutdownNow();
		}
		if (this.ownsClient) {
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	private static void closeQuietly(RedisConnection connection) {
		if (connection == null) {
			return;
		}
		try {
			connection.close();
		}
		catch (RuntimeException ex) {
			logger.debug("Failed to close a Redis connection", ex);
		}
	}

	/** A write's outcome on its way to the node. */
	private record Delivery(Attempt attempt, WriteOutcome result) {
	}

	/** The time and outcome of a check of the history in Redis. */
	private record HistoryCheck(Instant at, String outcome) {
	}

	/** One write on its way: retried with the same id until it is answered or its deadline passes. */
	/** What one read of the stream came to. */
	private enum Read {

		/** Nothing new within the block timeout. */
		NOTHING,

		/** Every entry applied. */
		APPLIED,

		/** A gap, another epoch or a resync: a snapshot is next. */
		SNAPSHOT_NEEDED,

		/** The history forked: reported, then a snapshot. */
		FORKED

	}

	/** Writes of one origin sent as one call of {@code write.lua}. */
	private static final class Batch {

		final List<Attempt> attempts;

		/** Why the batch could not be sent at all; {@code null} if it was. */
		RuntimeException failure;

		Batch(List<Attempt> attempts) {
			this.attempts = attempts;
		}

	}

	private static final class Attempt {

		final long origin;

		final WriteCommand command;

		final long deadlineNanos;

		final CompletableFuture<WriteOutcome> result = new CompletableFuture<>();

		/** Whether to send the script itself (after NOSCRIPT) rather than its digest. */
		volatile boolean useEval;

		/** The commands that sent the last try, where its WAIT goes. */
		volatile RedisClusterAsyncCommands<String, byte[]> sentTo;

		volatile int tries;

		Attempt(long origin, WriteCommand command, long deadlineNanos) {
			this.origin = origin;
			this.command = command;
			this.deadlineNanos = deadlineNanos;
		}

		String writeId() {
			return RedisSequencer.writeId(this.origin, this.command.seq());
		}

	}

}
