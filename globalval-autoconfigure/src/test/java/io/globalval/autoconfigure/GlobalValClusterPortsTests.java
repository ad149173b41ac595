package io.globalval.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.mock.env.MockEnvironment;

import io.globalval.cluster.WorkerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link GlobalValClusterPorts}.
 */
class GlobalValClusterPortsTests {

	private final GlobalValProperties.Cluster cluster = new GlobalValProperties.Cluster();

	private final MockEnvironment environment = new MockEnvironment();

	GlobalValClusterPortsTests() {
		this.cluster.setWorkers(3);
	}

	@Test
	void workersOfAWebApplicationListenAfterTheDefaultPort() {
		assertThat(ports(true)).containsExactly(server(8081));
	}

	@Test
	void workersListenAfterTheMastersPort() {
		this.environment.setProperty("server.port", "9000");
		assertThat(ports(true)).containsExactly(server(9001));
	}

	@Test
	void basePortWins() {
		this.environment.setProperty("server.port", "9000");
		this.cluster.setBasePort(7000);
		assertThat(ports(true)).containsExactly(server(7000));
	}

	@Test
	void basePortAppliesWithoutAWebServerToo() {
		this.cluster.setBasePort(7000);
		assertThat(ports(false)).containsExactly(server(7000));
	}

	@Test
	void anApplicationWithoutAWebServerGetsNoPorts() {
		this.environment.setProperty("management.server.port", "9000");
		assertThat(ports(false)).isEmpty();
	}

	@Test
	void anyFreePortOrNoneIsWhatEveryWorkerGets() {
		this.environment.setProperty("server.port", "0");
		this.environment.setProperty("management.server.port", "-1");
		assertThat(ports(true)).containsExactly(server(0), management(-1));
	}

	@Test
	void workersOfAMasterWithAManagementPortGetManagementPortsAfterIt() {
		this.environment.setProperty("server.port", "8080");
		this.environment.setProperty("management.server.port", "9000");
		List<WorkerPort> ports = ports(true);
		assertThat(ports).containsExactly(server(8081), management(9001));
		assertThat(ports.get(1).port(3)).isEqualTo(9003);
	}

	@Test
	void workersServeManagementOnTheirServerPortWhenTheMasterDoes() {
		this.environment.setProperty("server.port", "8080");
		this.environment.setProperty("management.server.port", "8080");
		assertThat(ports(true)).containsExactly(server(8081), management(8081));
	}

	@Test
	void overlappingPortsAreRefused() {
		this.environment.setProperty("server.port", "8080");
		this.environment.setProperty("management.server.port", "8081");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(() -> ports(true))
			.withMessageContaining("management.server.port")
			.withMessageContaining("Port 8081 would be both the master's management.server.port and worker-1's "
					+ "server.port: with 3 workers, the workers' server.port is 8081-8083 and the workers' "
					+ "management.server.port is 8082-8084");
	}

	@Test
	void aBasePortOnTheMastersPortIsRefused() {
		this.environment.setProperty("server.port", "8080");
		this.cluster.setBasePort(8078);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(() -> ports(true))
			.withMessageContaining("globalval.cluster.base-port")
			.withMessageContaining("Port 8080 would be both the master's server.port and worker-3's server.port");
	}

	private List<WorkerPort> ports(boolean web) {
		return GlobalValClusterPorts.of(this.cluster, web, this.environment);
	}

	private static WorkerPort server(int first) {
		return new WorkerPort("server.port", first);
	}

	private static WorkerPort management(int first) {
		return new WorkerPort("management.server.port", first);
	}

}
