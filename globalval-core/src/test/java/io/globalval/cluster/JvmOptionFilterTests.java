package io.globalval.cluster;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JvmOptionFilterTests {

	private final JvmOptionFilter defaults = new JvmOptionFilter(JvmOptionFilter.DEFAULT_EXCLUDED);

	@Test
	void defaultsLeaveOutWhatTwoJvmsCannotShare() {
		assertThat(this.defaults.filter(List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005",
				"-Xrunjdwp:transport=dt_socket", "-Dcom.sun.management.jmxremote.port=9010",
				"-Dcom.sun.management.jmxremote.rmi.port=9011", "-Xloggc:gc.log", "-Xlog:gc*:file=gc.log",
				"-Xlog:gc*,safepoint:file=/var/log/gc.log:time", "-XX:StartFlightRecording=duration=60s,filename=app.jfr")))
			.isEmpty();
	}

	@Test
	void defaultsKeepTheRest() {
		List<String> options = List.of("-Xmx512m", "-Xlog:gc", "-Xlog:gc*:stdout", "-javaagent:agent.jar",
				"-Dcom.sun.management.jmxremote", "-Dcom.sun.management.jmxremote.authenticate=false",
				"-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=/dumps", "-XX:StartFlightRecording", "-Dfoo=bar");
		assertThat(this.defaults.filter(options)).isEqualTo(options);
	}

	@Test
	void patternsArePrefixesWithWildcards() {
		JvmOptionFilter filter = new JvmOptionFilter(List.of("-Dserver.port=", "-D*secret", ""));
		assertThat(filter.excludes("-Dserver.port=8080")).isTrue();
		assertThat(filter.excludes("-Dserver.portal=x")).isFalse();
		assertThat(filter.excludes("-Dapp.secret=x")).isTrue();
		assertThat(filter.excludes("-Dapp.secre=x")).isFalse();
		assertThat(filter.excludes("-Xmx1g")).isFalse();
	}

	@Test
	void patternCharactersOtherThanTheWildcardAreLiteral() {
		JvmOptionFilter filter = new JvmOptionFilter(List.of("-Dx.y+z="));
		assertThat(filter.excludes("-Dx.y+z=1")).isTrue();
		assertThat(filter.excludes("-Dxay+z=1")).isFalse();
	}

}
