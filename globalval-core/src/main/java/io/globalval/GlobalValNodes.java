package io.globalval;

import java.io.UncheckedIOException;

import io.globalval.core.ChangeListener;
import io.globalval.core.DefaultGlobalValNode;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.Transport;
import io.globalval.core.TransportType;
import io.globalval.core.ValueCodec;
import io.globalval.transport.tcp.TcpTransport;
import io.globalval.transport.uds.UdsTransport;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts a globalval node from plain settings, without Spring: decides the role (taking
 * the application's lock for a master), then binds or connects the Unix socket (or, with
 * {@link TransportType#TCP}, the TCP port).
 * <pre class="code">
 * GlobalValNode node = GlobalValNodes.start(NodeSettings.builder().name("orders").build());
 * node.ready().get(10, TimeUnit.SECONDS);
 * GlobalValTemplate globalVals = new GlobalValTemplate(node);
 * </pre>
 */
public final class GlobalValNodes {

	private GlobalValNodes() {
	}

	/**
	 * Start a node with a default {@link JsonMapper}.
	 * @param settings the settings
	 * @return the started node; a worker may not be ready yet (see {@link GlobalValNode#ready()})
	 */
	public static GlobalValNode start(NodeSettings settings) {
		return start(settings, JsonMapper.builder().build());
	}

	/**
	 * Start a node.
	 * @param settings the settings
	 * @param mapper the mapper to write and convert values with
	 * @return the started node; a worker may not be ready yet (see {@link GlobalValNode#ready()})
	 * @throws GlobalValException if role {@code MASTER} is required but another master holds the lock
	 * @throws UncheckedIOException if the socket directory, lock or socket cannot be set up
	 */
	public static GlobalValNode start(NodeSettings settings, JsonMapper mapper) {
		return start(settings, mapper, null);
	}

	/**
	 * Start a node with a listener that is added before the transport starts, so that it
	 * is told about everything the node applies, its role and a worker's first snapshot
	 * included.
	 * @param settings the settings
	 * @param mapper the mapper to write and convert values with
	 * @param listener the listener, or {@code null}
	 * @return the started node; a worker may not be ready yet (see {@link GlobalValNode#ready()})
	 * @throws GlobalValException if role {@code MASTER} is required but another master holds the lock
	 * @throws UncheckedIOException if the socket directory, lock or socket cannot be set up
	 */
	public static GlobalValNode start(NodeSettings settings, JsonMapper mapper, ChangeListener listener) {
		Transport transport = (settings.transport() == TransportType.TCP) ? new TcpTransport() : new UdsTransport();
		return DefaultGlobalValNode.start(settings, new ValueCodec(mapper, settings.maxValueSize()), transport,
				listener);
	}

}
