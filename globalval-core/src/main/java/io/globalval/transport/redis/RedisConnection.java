package io.globalval.transport.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.RedisCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * One of the sequencer's connections, to a standalone Redis (found directly or through
 * Sentinel) or to a Redis Cluster, behind the commands both have
 * ({@link RedisClusterAsyncCommands}). All keys of an application share one hash tag, so
 * in a Cluster every script, read and write goes to the one primary that owns their
 * slot; Lettuce routes them there and follows {@code MOVED}. The commands that name no
 * key ({@code INFO}, {@code WAIT}) are sent to that primary explicitly ({@link #serverOf}),
 * and so are the writes that {@code WAIT} must cover, so that it counts the replicas that
 * copied this connection's writes on that very server.
 */
abstract sealed class RedisConnection implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisConnection.class);

	static final RedisCodec<String, byte[]> CODEC = KeysAndBytesCodec.INSTANCE;

	/**
	 * Connect with a client.
	 * @param client a {@link RedisClient} (standalone or Sentinel) or a {@link RedisClusterClient}
	 * @param uri where to connect, or {@code null} for the client's own URI (always for a Cluster)
	 * @param clientName the name of the connection in {@code CLIENT LIST}: in a Cluster, of
	 * its connection to the primary that owns {@code slotKey}'s slot, whichever it is
	 * @param slotKey a key of the application (all share one slot)
	 * @return the connection
	 */
	static RedisConnection open(AbstractRedisClient client, RedisURI uri, String clientName, String slotKey) {
		if (client instanceof RedisClusterClient cluster) {
			Cluster connection = new Cluster(cluster, cluster.connect(CODEC), clientName, slotKey);
			connection.nameOwnersConnection();
			return connection;
		}
		RedisClient redis = (RedisClient) client;
		// not RedisURI.builder(uri).withClientName: it cannot copy a Sentinel URI, which has no host
		StatefulRedisConnection<String, byte[]> connection = (uri != null) ? redis.connect(CODEC, uri)
				: redis.connect(CODEC);
		name(connection, clientName);
		return new Standalone(connection);
	}

	/**
	 * Name a connection. The deprecated setter is the one Lettuce remembers and sends
	 * again on every reconnect; {@code CLIENT SETNAME} as a command would be forgotten at
	 * the first reconnect.
	 */
	@SuppressWarnings("deprecation")
	static void name(StatefulRedisConnection<String, byte[]> connection, String name) {
		if (connection instanceof StatefulRedisConnectionImpl<?, ?> impl) {
			impl.setClientName(name);
		}
		else {
			connection.async().clientSetname(name);
		}
	}

	abstract StatefulConnection<String, byte[]> connection();

	/**
	 * Return whether this is a connection to a Redis Cluster.
	 * @return whether a Cluster
	 */
	boolean isCluster() {
		return this instanceof Cluster;
	}

	/**
	 * Return the commands, routed by their first key in a Cluster.
	 * @return the commands
	 */
	abstract RedisClusterAsyncCommands<String, byte[]> async();

	/**
	 * Return the commands of the one server that holds a key (the primary of its slot).
	 * @param key a key
	 * @return the commands, for those that name no key
	 */
	abstract RedisClusterAsyncCommands<String, byte[]> serverOf(String key);

	/**
	 * Return the server that holds a key now, as this connection sees the topology.
	 * @param key a key
	 * @return {@code host:port}, or {@code null} if not known (standalone, or a Cluster slot without a primary)
	 */
	abstract String ownerOf(String key);

	/**
	 * Say that a command failed in a way that may mean the topology changed (a lost
	 * connection, {@code MOVED}), so that a Cluster client reloads it, whatever refresh
	 * options its owner gave it. At most once a second; nothing for a standalone server.
	 */
	abstract void topologyMayHaveChanged();

	boolean isOpen() {
		return connection().isOpen();
	}

	void setTimeout(Duration timeout) {
		connection().setTimeout(timeout);
	}

	@Override
	public void close() {
		connection().close();
	}

	/** A standalone server, directly or found through Sentinel. */
	static final class Standalone extends RedisConnection {

		private final StatefulRedisConnection<String, byte[]> connection;

		Standalone(StatefulRedisConnection<String, byte[]> connection) {
			this.connection = connection;
		}

		@Override
		StatefulConnection<String, byte[]> connection() {
			return this.connection;
		}

		@Override
		RedisClusterAsyncCommands<String, byte[]> async() {
			return this.connection.async();
		}

		@Override
		RedisClusterAsyncCommands<String, byte[]> serverOf(String key) {
			return this.connection.async();
		}

		@Override
		String ownerOf(String key) {
			return null;
		}

		@Override
		void topologyMayHaveChanged() {
		}

	}

	/**
	 * A Redis Cluster: keyed commands go where the key's slot is. Its connection to the
	 * primary that owns the application's slot carries the client name, named when it
	 * connects and again after every reload of the topology (a failover gives the slot
	 * another primary, and Lettuce another node connection).
	 */
	static final class Cluster extends RedisConnection {

		private static final long REFRESH_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

		/** How long after a topology change the slot's primary's connection is named again. */
		private static final long NAME_AGAIN_MILLIS = 1000;

		private final RedisClusterClient client;

		private final StatefulRedisClusterConnection<String, byte[]> connection;

		private final String clientName;

		private final String slotKey;

		private final AtomicLong lastRefreshNanos = new AtomicLong(System.nanoTime() - REFRESH_INTERVAL_NANOS);

		/** The node connection named last, so that each is named once. */
		private volatile StatefulRedisConnection<String, byte[]> named;

		/** Our subscription to the client's topology changes, or {@code null}. */
		private final Disposable topologyChanges;

		Cluster(RedisClusterClient client, StatefulRedisClusterConnection<String, byte[]> connection,
				String clientName, String slotKey) {
			this.client = client;
			this.connection = connection;
			this.clientName = clientName;
			this.slotKey = slotKey;
			// Lettuce reloads the topology on its own triggers too (MOVED, reconnects, periodically):
			// name the new primary's connection then, now and a moment later, when the partitions
			// this connection reads were surely updated
			this.topologyChanges = client.getResources()
				.eventBus()
				.get()
				.filter(ClusterTopologyChangedEvent.class::isInstance)
				.subscribe((event) -> {
					nameOwnersConnection();
					try {
						client.getResources()
							.eventExecutorGroup()
							.schedule(this::nameOwnersConnection, NAME_AGAIN_MILLIS, TimeUnit.MILLISECONDS);
					}
					catch (RuntimeException ex) {
						// shutting down
						logger.debug("Could not name the connection to the slot's primary later", ex);
					}
				}, (ex) -> logger.debug("Following the Cluster's topology changes failed", ex));
		}

		/**
		 * Name the connection to the slot's primary, unless it has its name already. Never
		 * waits: the node connection may still be connecting.
		 */
		void nameOwnersConnection() {
			if (!this.connection.isOpen()) {
				return;
			}
			RedisClusterNode owner = this.connection.getPartitions().getMasterBySlot(SlotHash.getSlot(this.slotKey));
			if (owner == null) {
				return;
			}
			this.connection.getConnectionAsync(owner.getUri().getHost(), owner.getUri().getPort())
				.whenComplete((node, ex) -> {
					if (ex != null) {
						logger.debug("Naming the connection to {} failed", owner.getUri(), ex);
					}
					else if (node != this.named) {
						this.named = node;
						name(node, this.clientName);
					}
				});
		}

		@Override
		StatefulConnection<String, byte[]> connection() {
			return this.connection;
		}

		@Override
		RedisClusterAsyncCommands<String, byte[]> async() {
			return this.connection.async();
		}

		@Override
		RedisClusterAsyncCommands<String, byte[]> serverOf(String key) {
			RedisClusterNode owner = this.connection.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
			if (owner == null) {
				// no known primary: the routed commands fail the same way, and are retried
				return this.connection.async();
			}
			// the node connection that keyed commands for this slot use too
			return this.connection.getConnection(owner.getUri().getHost(), owner.getUri().getPort()).async();
		}

		@Override
		String ownerOf(String key) {
			RedisClusterNode owner = this.connection.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
			return (owner != null) ? owner.getUri().getHost() + ":" + owner.getUri().getPort() : null;
		}

		@Override
		void topologyMayHaveChanged() {
			long last = this.lastRefreshNanos.get();
			long now = System.nanoTime();
			if (now - last >= REFRESH_INTERVAL_NANOS && this.lastRefreshNanos.compareAndSet(last, now)) {
				this.client.refreshPartitionsAsync().whenComplete((done, ex) -> {
					if (ex != null) {
						logger.debug("Reloading the Cluster topology failed", ex);
					}
					else {
						nameOwnersConnection();
					}
				});
			}
		}

		@Override
		public void close() {
			this.topologyChanges.dispose();
			super.close();
		}

	}

}
