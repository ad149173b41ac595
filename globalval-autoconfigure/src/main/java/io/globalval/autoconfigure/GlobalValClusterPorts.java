package io.globalval.autoconfigure;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import io.globalval.cluster.WorkerPort;

/**
 * The ports of cluster-mode workers, each passed to a worker as a command-line argument
 * (which outranks a {@code -D} option, an environment variable or
 * {@code application.yml}): {@code server.port} from {@code globalval.cluster.base-port},
 * by default the master's port + 1, and, when the master's management server has a port
 * of its own, {@code management.server.port} from that port + 1. A master port of 0 (any
 * free port) or -1 (none) is given to every worker as it is.
 */
final class GlobalValClusterPorts {

	static final String SERVER_PORT = "server.port";

	static final String MANAGEMENT_PORT = "management.server.port";

	/** Spring Boot's port when server.port is not set. */
	private static final int DEFAULT_SERVER_PORT = 8080;

	/** Checked by name: the web server is optional. */
	private static final String WEB_SERVER_CONTEXT = "org.springframework.boot.web.server.context.WebServerApplicationContext";

	private GlobalValClusterPorts() {
	}

	/**
	 * Return the ports of the workers of this application.
	 * @param cluster the cluster settings
	 * @param context the application context, a web server's or not
	 * @param environment the master's environment
	 * @return the ports, none for an application without a web server and a base port
	 * @throws InvalidConfigurationPropertyValueException when two processes would get
	 * the same port
	 */
	static List<WorkerPort> of(GlobalValProperties.Cluster cluster, ApplicationContext context,
			Environment environment) {
		return of(cluster, isWebServerContext(context), environment);
	}

	static List<WorkerPort> of(GlobalValProperties.Cluster cluster, boolean web, Environment environment) {
		List<WorkerPort> ports = new ArrayList<>();
		int serverPort = environment.getProperty(SERVER_PORT, Integer.class, DEFAULT_SERVER_PORT);
		WorkerPort server = null;
		if (cluster.getBasePort() != null) {
			server = new WorkerPort(SERVER_PORT, cluster.getBasePort());
		}
		else if (web) {
			server = new WorkerPort(SERVER_PORT, (serverPort > 0) ? serverPort + 1 : serverPort);
		}
		if (server != null) {
			ports.add(server);
		}
		Integer managementPort = web ? environment.getProperty(MANAGEMENT_PORT, Integer.class) : null;
		if (managementPort != null) {
			if (managementPort > 0 && managementPort == serverPort && server != null) {
				// the master serves management on its server port: so does every worker on its own
				ports.add(new WorkerPort(MANAGEMENT_PORT, server.first()));
			}
			else {
				ports.add(new WorkerPort(MANAGEMENT_PORT, (managementPort > 0) ? managementPort + 1 : managementPort));
			}
		}
		checkDistinct(cluster, web, serverPort, managementPort, ports);
		return List.copyOf(ports);
	}

	private static void checkDistinct(GlobalValProperties.Cluster cluster, boolean web, int serverPort,
			Integer managementPort, List<WorkerPort> ports) {
		Map<Integer, String> users = new LinkedHashMap<>();
		if (web) {
			claim(users, serverPort, "the master's server.port", cluster, managementPort, ports);
			if (managementPort != null && managementPort != serverPort) {
				claim(users, managementPort, "the master's management.server.port", cluster, managementPort, ports);
			}
		}
		for (int index = 1; index <= cluster.getWorkers(); index++) {
			Set<Integer> own = new HashSet<>();
			for (WorkerPort port : ports) {
				// a worker's management on its own server port is one port, not a clash
				if (own.add(port.port(index))) {
					claim(users, port.port(index), "worker-" + index + "'s " + port.property(), cluster, managementPort,
							ports);
				}
			}
		}
	}

	private static void claim(Map<Integer, String> users, int port, String user, GlobalValProperties.Cluster cluster,
			Integer managementPort, List<WorkerPort> ports) {
		String other = (port > 0) ? users.putIfAbsent(port, user) : null;
		if (other != null) {
			String property = (managementPort != null) ? MANAGEMENT_PORT : "globalval.cluster.base-port";
			Object value = (managementPort != null) ? managementPort : cluster.getBasePort();
			throw new InvalidConfigurationPropertyValueException(property, value,
					"Port " + port + " would be both " + other + " and " + user + ": with " + cluster.getWorkers()
							+ " workers, " + ranges(ports, cluster.getWorkers())
							+ "; choose server.port, management.server.port or globalval.cluster.base-port so that "
							+ "no two processes share a port");
		}
	}

	private static String ranges(List<WorkerPort> ports, int workers) {
		List<String> ranges = new ArrayList<>();
		for (WorkerPort port : ports) {
			String range = (port.first() > 0 && workers > 1) ? port.port(1) + "-" + port.port(workers)
					: String.valueOf(port.first());
			ranges.add("the workers' " + port.property() + " is " + range);
		}
		return String.join(" and ", ranges);
	}

	private static boolean isWebServerContext(ApplicationContext context) {
		ClassLoader classLoader = context.getClassLoader();
		return ClassUtils.isPresent(WEB_SERVER_CONTEXT, classLoader)
				&& ClassUtils.resolveClassName(WEB_SERVER_CONTEXT, classLoader).isInstance(context);
	}

}
