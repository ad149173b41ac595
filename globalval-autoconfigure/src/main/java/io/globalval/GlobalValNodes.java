package io.globalval;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.core.ChangeListener;
import io.globalval.core.GlobalValNode;
import io.globalval.core.MasterLock;
import io.globalval.core.MasterNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.RolePreference;
import io.globalval.core.ValueCodec;
import io.globalval.core.WorkerNode;
import io.globalval.transport.uds.UdsMasterServer;
import io.globalval.transport.uds.UdsWorkerClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts a globalval node from plain settings, without Spring: decides the role (taking
 * the application's lock for a master), then binds or connects the Unix socket.
 * <pre class="code">
 * GlobalValNode node = GlobalValNodes.start(NodeSettings.builder().name("orders").build());
 * node.ready().get(10, TimeUnit.SECONDS);
 * GlobalValTemplate globalVals = new GlobalValTemplate(node);
 * </pre>
 */
public final class GlobalValNodes {

	private static final Logger logger = LoggerFactory.getLogger(GlobalValNodes.class);

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
	 * is told about everything the node applies, a worker's first snapshot included
	 * (but not the role, which is decided before: see {@link GlobalValNode#role()}).
	 * @param settings the settings
	 * @param mapper the mapper to write and convert values with
	 * @param listener the listener, or {@code null}
	 * @return the started node; a worker may not be ready yet (see {@link GlobalValNode#ready()})
	 * @throws GlobalValException if role {@code MASTER} is required but another master holds the lock
	 * @throws UncheckedIOException if the socket directory, lock or socket cannot be set up
	 */
	public static GlobalValNode start(NodeSettings settings, JsonMapper mapper, ChangeListener listener) {
		ValueCodec codec = new ValueCodec(mapper);
		try {
			MasterLock lock = null;
			if (settings.role() != RolePreference.WORKER) {
				lock = MasterLock.tryAcquire(settings);
				if (lock == null && settings.role() == RolePreference.MASTER) {
					throw new GlobalValException(("globalval.role=master, but another process holds %s, so a master of "
							+ "'%s' is already running; use role auto or worker for this process")
						.formatted(settings.lockFile(), settings.name()));
				}
			}
			else {
				MasterLock.createPrivateDirectory(settings.directory());
			}
			return (lock != null) ? startMaster(settings, codec, lock, listener)
					: startWorker(settings, codec, listener);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot set up globalval in " + settings.directory(), ex);
		}
	}

	private static GlobalValNode startMaster(NodeSettings settings, ValueCodec codec, MasterLock lock,
			ChangeListener listener) throws IOException {
		MasterNode master = new MasterNode(settings, codec, lock);
		if (listener != null) {
			master.addListener(listener);
		}
		try {
			UdsMasterServer server = UdsMasterServer.start(settings, master);
			master.attachTransport(server);
		}
		catch (IOException | RuntimeException ex) {
			master.close();
			throw ex;
		}
		logger.info("globalval '{}': role MASTER, socket {}", settings.name(), settings.socketFile());
		return master;
	}

	private static GlobalValNode startWorker(NodeSettings settings, ValueCodec codec, ChangeListener listener) {
		WorkerNode worker = new WorkerNode(settings, codec);
		if (listener != null) {
			worker.addListener(listener);
		}
		worker.attachTransport(UdsWorkerClient.start(settings, worker));
		logger.info("globalval '{}': role WORKER, socket {}", settings.name(), settings.socketFile());
		return worker;
	}

}
