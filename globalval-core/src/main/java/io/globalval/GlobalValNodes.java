package io.globalval;

import java.io.UncheckedIOException;
import java.util.Objects;

import io.globalval.core.ChangeListener;
import io.globalval.core.DefaultGlobalValNode;
import io.globalval.core.EngineRuntime;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.RemoteSequencer;
import io.globalval.core.RolePreference;
import io.globalval.core.Transport;
import io.globalval.core.ValueCodec;
import io.globalval.transport.local.LocalTransport;
import io.globalval.transport.uds.UdsTransport;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts a globalval node from plain settings, without Spring: the one entry point for
 * every transport. On a {@link Transport} (Unix socket, the default, or TCP) the node
 * decides its role (taking the application's lock for a master), then binds or connects;
 * on a {@link RemoteSequencer} (Redis) it is a peer of the sequencer; {@link Builder#local()}
 * keeps it in this process only.
 * <pre class="code">
 * // Unix socket, default JsonMapper
 * GlobalValNode node = GlobalValNodes.start(NodeSettings.builder().name("orders").build());
 *
 * // TCP, with the application's mapper and a listener that hears everything from the start
 * GlobalValNode node = GlobalValNodes.builder(settings)
 *     .transport(new TcpTransport(TcpTransportSettings.builder().secret(secret).build()))
 *     .jsonMapper(mapper)
 *     .listener(listener)
 *     .start();
 *
 * // this process only (tests, one-process applications): no socket, lock file or directory
 * GlobalValNode node = GlobalValNodes.builder(settings).local().start();
 *
 * // Redis: every process is a peer
 * GlobalValNode node = GlobalValNodes.builder(settings)
 *     .sequencer(new RedisSequencer(redisClient, RedisTransportSettings.defaults()))
 *     .start();
 *
 * node.ready().get(10, TimeUnit.SECONDS);
 * GlobalValTemplate globalVals = new GlobalValTemplate(node);
 * </pre>
 */
public final class GlobalValNodes {

	private GlobalValNodes() {
	}

	/**
	 * Start a node on the Unix-socket transport with a default {@link JsonMapper}.
	 * @param settings the settings
	 * @return the started node; a worker may not be ready yet (see {@link GlobalValNode#ready()})
	 * @throws GlobalValException if role {@code MASTER} is required but another master holds the lock
	 * @throws UncheckedIOException if the directory, lock or socket cannot be set up
	 */
	public static GlobalValNode start(NodeSettings settings) {
		return builder(settings).start();
	}

	/**
	 * Return a builder of a node with these settings: on the Unix-socket transport and
	 * with a default {@link JsonMapper} unless told otherwise.
	 * @param settings the settings every transport shares
	 * @return the builder
	 */
	public static Builder builder(NodeSettings settings) {
		return new Builder(settings);
	}

	/**
	 * Chooses how a node reaches the others, and starts it. Not thread-safe; use one per
	 * node.
	 */
	public static final class Builder {

		private final NodeSettings settings;

		private Transport transport;

		private RemoteSequencer sequencer;

		private JsonMapper mapper;

		private ChangeListener listener;

		private Builder(NodeSettings settings) {
			this.settings = Objects.requireNonNull(settings, "'settings' must not be null");
		}

		/**
		 * Use a transport with a master process: {@link UdsTransport} (the default) or
		 * {@code TcpTransport}. Replaces a {@link #sequencer(RemoteSequencer) sequencer}.
		 * @param transport the transport
		 * @return this builder
		 */
		public Builder transport(Transport transport) {
			this.transport = Objects.requireNonNull(transport, "'transport' must not be null");
			this.sequencer = null;
			return this;
		}

		/**
		 * Keep the values in this process only, on the {@link LocalTransport}: the node is
		 * the master of a group of one, with the same API, ordering, revisions and events,
		 * and creates no socket, lock file or directory (persistence, if the settings
		 * enable it, still writes its files). For tests and one-process applications:
		 * <pre class="code">
		 * GlobalValNode node = GlobalValNodes.builder(NodeSettings.builder().name("orders").build())
		 *     .local()
		 *     .start();  // role MASTER, ready at once
		 * </pre>
		 * Replaces a transport or sequencer. The settings' role must be {@code auto} or
		 * {@code master}.
		 * @return this builder
		 */
		public Builder local() {
			return transport(new LocalTransport());
		}

		/**
		 * Let a remote sequencer (such as {@code RedisSequencer}) order the changes: the
		 * node is a {@link Role#PEER}, takes no lock and binds nothing; the sequencer is
		 * started with the node and closed with it. Replaces a
		 * {@link #transport(Transport) transport}.
		 * @param sequencer the sequencer, not yet started
		 * @return this builder
		 */
		public Builder sequencer(RemoteSequencer sequencer) {
			this.sequencer = Objects.requireNonNull(sequencer, "'sequencer' must not be null");
			this.transport = null;
			return this;
		}

		/**
		 * Write and convert values with this mapper rather than a default one.
		 * @param mapper the mapper, or {@code null} for a default one
		 * @return this builder
		 */
		public Builder jsonMapper(JsonMapper mapper) {
			this.mapper = mapper;
			return this;
		}

		/**
		 * Add a listener before the transport (or sequencer) starts, so that it is told
		 * about everything the node applies: its role, a worker's or peer's first
		 * snapshot and every change, and the connection's changes.
		 * @param listener the listener, or {@code null} for none
		 * @return this builder
		 */
		public Builder listener(ChangeListener listener) {
			this.listener = listener;
			return this;
		}

		/**
		 * Start the node.
		 * @return the started node; a worker or peer may not be ready yet (see
		 * {@link GlobalValNode#ready()})
		 * @throws GlobalValException if role {@code MASTER} is required but another master
		 * holds the lock, or a sequencer cannot be reached
		 * @throws UncheckedIOException if the directory, lock or transport cannot be set up
		 * @throws IllegalArgumentException if the local transport is asked for role worker
		 */
		public GlobalValNode start() {
			JsonMapper json = (this.mapper != null) ? this.mapper : JsonMapper.builder().build();
			ValueCodec codec = new ValueCodec(json, this.settings.maxValueSize());
			if (this.sequencer != null) {
				return DefaultGlobalValNode.start(this.settings, codec, this.sequencer, this.listener);
			}
			Transport chosen = (this.transport != null) ? this.transport : new UdsTransport();
			if (chosen instanceof LocalTransport) {
				if (this.settings.role() == RolePreference.WORKER) {
					throw new IllegalArgumentException(("Role worker needs a master in another process, but the local "
							+ "transport keeps '%s' in this process only; use role auto or master, or another transport")
						.formatted(this.settings.name()));
				}
				// a group of one: the master lock lives in memory, no directory is made
				return DefaultGlobalValNode.start(this.settings, codec, chosen, this.listener,
						EngineRuntime.inProcess());
			}
			return DefaultGlobalValNode.start(this.settings, codec, chosen, this.listener);
		}

	}

}
