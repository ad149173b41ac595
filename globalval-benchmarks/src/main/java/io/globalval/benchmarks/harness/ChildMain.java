package io.globalval.benchmarks.harness;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

import io.globalval.benchmarks.relay.RelayServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * A process of a system under test: a globalval master or worker, the relay or one of
 * its workers, a Hazelcast member, a globalval peer of Redis or a Redisson client. The
 * coordinator drives it over stdin (one {@link ChildCommand} a line:
 * {@code <id> <verb> <args...>}) and reads answers on stdout ({@code @<id> <json>}, or
 * {@code @<id> !<error>}); a {@link ChildCommandHandler} runs the commands. Every command
 * runs on its own thread and every wait in it is bounded. When stdin closes (the
 * coordinator is gone) the process exits.
 * <pre>
 * java -cp globalval-benchmarks.jar io.globalval.benchmarks.harness.ChildMain &lt;system&gt; &lt;role&gt; key=value...
 * </pre>
 */
public final class ChildMain {

	private static final long SECOND_NANOS = 1_000_000_000L;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final PrintStream out;

	private final String system;

	private final String role;

	private final Map<String, String> options;

	private final int wid;

	private final ExecutorService commands = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "command");
		thread.setDaemon(true);
		return thread;
	});

	private BenchNode node;

	private RelayServer relay;

	private ChildCommandHandler handler;

	private ChildMain(PrintStream out, String system, String role, Map<String, String> options) {
		this.out = out;
		this.system = system;
		this.role = role;
		this.options = options;
		this.wid = Integer.parseInt(options.getOrDefault("wid", "0"));
	}

	/**
	 * Run a child.
	 * @param args system, role, then {@code key=value} options
	 */
	public static void main(String[] args) {
		PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
		System.setOut(System.err);
		Map<String, String> options = new HashMap<>();
		for (int i = 2; i < args.length; i++) {
			int eq = args[i].indexOf('=');
			options.put(args[i].substring(0, eq), args[i].substring(eq + 1));
		}
		ChildMain child = new ChildMain(out, args[0], args[1], options);
		try {
			child.start();
		}
		catch (Throwable ex) {
			ex.printStackTrace(System.err);
			child.reply("0", null, "start failed: " + ex);
			System.exit(1);
		}
		child.serve();
	}

	private void start() throws Exception {
		Path directory = Path.of(this.options.getOrDefault("dir", "."));
		if ("relay".equals(this.system) && "relay".equals(this.role)) {
			this.relay = RelayServer.start(directory.resolve("relay.sock"));
		}
		else {
			this.node = switch (this.system) {
				case "globalval" -> new GlobalValBenchNode(directory, "master".equals(this.role),
						this.role + "-" + this.wid);
				case "globalval-redis" -> new GlobalValBenchNode(directory, false, this.role + "-" + this.wid,
						this.options.get("redis"));
				case "redisson" -> new RedissonBenchNode(this.options.get("redis"));
				case "relay" -> new RelayBenchNode(directory.resolve("relay.sock"));
				case "hazelcast" -> new HazelcastBenchNode(this.options.get("cluster"),
						Integer.parseInt(this.options.get("port")), Integer.parseInt(this.options.get("ports")));
				default -> throw new IllegalArgumentException("Unknown system " + this.system);
			};
			if (!Boolean.parseBoolean(this.options.getOrDefault("deferred", "false"))) {
				this.node.start();
			}
		}
		this.handler = new ChildCommandHandler(this.node, this.relay, this.wid, this::exit);
		Map<String, Object> hello = new LinkedHashMap<>();
		hello.put("pid", ProcessHandle.current().pid());
		hello.put("t", System.nanoTime());
		reply("0", hello, null);
	}

	private void serve() {
		try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				String[] parts = line.trim().split(" ", 2);
				if (parts.length < 2) {
					continue;
				}
				String id = parts[0];
				String wire = parts[1];
				this.commands.execute(() -> {
					try {
						reply(id, ChildCommand.parse(wire).accept(this.handler), null);
					}
					catch (Throwable ex) {
						ex.printStackTrace(System.err);
						reply(id, null, wire.split(" ", 2)[0] + " failed: " + ex);
					}
				});
			}
		}
		catch (Exception ex) {
			ex.printStackTrace(System.err);
		}
		exit();
	}

	private void exit() {
		Thread halt = new Thread(() -> {
			LockSupport.parkNanos(10 * SECOND_NANOS);
			Runtime.getRuntime().halt(2);
		});
		halt.setDaemon(true);
		halt.start();
		try {
			if (this.node != null) {
				this.node.close();
			}
			if (this.relay != null) {
				this.relay.close();
			}
		}
		finally {
			System.exit(0);
		}
	}

	private void reply(String id, Object result, String error) {
		String text;
		if (error != null) {
			text = "@" + id + " !" + error.replace('\n', ' ');
		}
		else {
			text = "@" + id + " " + this.mapper.writeValueAsString((result != null) ? result : Map.of());
		}
		synchronized (this.out) {
			this.out.println(text);
			this.out.flush();
		}
	}

}
