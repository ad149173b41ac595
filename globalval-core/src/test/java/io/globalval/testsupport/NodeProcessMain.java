package io.globalval.testsupport;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.GlobalValNodes;
import io.globalval.GlobalValTemplate;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.core.Persistence;
import io.globalval.core.RolePreference;
import io.globalval.transport.tcp.TcpTransport;
import io.globalval.transport.tcp.TcpTransportSettings;
import tools.jackson.databind.json.JsonMapper;

/**
 * A globalval node in its own JVM, driven by commands on standard input, one per line:
 * {@code <id> <command> <args...>}. Each answer is one line on standard output,
 * {@code @<id> <result>}; logs go to standard error.
 * <p>
 * Arguments: {@code <directory> <role> <name> [<persistence directory> <fsync>]
 * [<setting>=<value>...]}, with the settings {@code maxQueuedBytes}, {@code maxFrameSize},
 * {@code transport} ({@code UDS} or {@code TCP}), {@code tcpHost}, {@code tcpPort} and
 * {@code tcpSecret}.
 */
public final class NodeProcessMain {

	private static final Logger logger = LoggerFactory.getLogger(NodeProcessMain.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private NodeProcessMain() {
	}

	public static void main(String[] args) throws Exception {
		NodeSettings.Builder builder = NodeSettings.builder()
			.directory(Path.of(args[0]))
			.role(RolePreference.valueOf(args[1]))
			.name(args[2])
			.pingInterval(Duration.ofHours(1))
			.writeTimeout(Duration.ofSeconds(30));
		TcpTransportSettings.Builder tcp = TcpTransportSettings.builder();
		boolean overTcp = false;
		int first = 3;
		if (args.length > 4 && !args[3].contains("=")) {
			// <persistence directory> <fsync policy>
			builder.persistence(Persistence.in(Path.of(args[3]), Persistence.Fsync.valueOf(args[4])));
			first = 5;
		}
		for (int i = first; i < args.length; i++) {
			String[] setting = args[i].split("=", 2);
			switch (setting[0]) {
				case "maxQueuedBytes" -> builder.maxQueuedBytes(Long.parseLong(setting[1]));
				case "maxFrameSize" -> builder.maxFrameSize(Integer.parseInt(setting[1]));
				case "transport" -> overTcp = "TCP".equals(setting[1]);
				case "tcpHost" -> tcp.host(setting[1]);
				case "tcpPort" -> tcp.port(Integer.parseInt(setting[1]));
				case "tcpSecret" -> tcp.secret(setting[1]);
				default -> throw new IllegalArgumentException("Unknown setting " + args[i]);
			}
		}
		GlobalValNodes.Builder node = GlobalValNodes.builder(builder.build());
		if (overTcp) {
			node.transport(new TcpTransport(tcp.build()));
		}
		serve(node.start(), (command, rest) -> null);
	}

	/**
	 * Answer commands on standard input until it ends or {@code exit}, then close the node.
	 * @param node the started node
	 * @param extra answers commands of its own, or {@code null} to leave them to the common ones
	 */
	static void serve(GlobalValNode node, ExtraCommands extra) throws Exception {
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
		node.ready().get(30, TimeUnit.SECONDS);
		GlobalValTemplate template = new GlobalValTemplate(node);
		out.println("@0 ready " + template.role());
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			String[] words = line.trim().split(" ", 3);
			String id = words[0];
			String command = words[1];
			String rest = (words.length > 2) ? words[2] : "";
			if (command.equals("bg")) {
				// bg <command> <args...>: run on a thread of its own, so that other commands are
				// answered meanwhile (the revision while a chaos run goes on)
				String[] inner = rest.split(" ", 2);
				Thread background = new Thread(() -> answer(out, id, node, template, extra, inner[0],
						(inner.length > 1) ? inner[1] : ""), "command-" + id);
				background.setDaemon(true);
				background.start();
				continue;
			}
			answer(out, id, node, template, extra, command, rest);
			if (command.equals("exit")) {
				break;
			}
		}
		node.close();
	}

	private static void answer(PrintStream out, String id, GlobalValNode node, GlobalValTemplate template,
			ExtraCommands extra, String command, String rest) {
		try {
			String answer = extra.run(command, rest);
			out.println("@" + id + " " + ((answer != null) ? answer : run(node, template, command, rest)));
		}
		catch (Exception ex) {
			out.println("@" + id + " error " + ex.toString().replace('\n', ' '));
		}
	}

	/** Commands a sibling main adds. */
	@FunctionalInterface
	interface ExtraCommands {

		/**
		 * Answer a command.
		 * @param command the command
		 * @param rest its arguments
		 * @return the answer, or {@code null} if it is not one of these commands
		 */
		String run(String command, String rest) throws Exception;

	}

	private static String chaos(GlobalValTemplate template, long millis, String prefix) throws Exception {
		Semaphore inFlight = new Semaphore(64);
		AtomicLong incremented = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		List<CompletableFuture<?>> all = new ArrayList<>();
		Random random = new Random();
		long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		for (int i = 0; System.nanoTime() - until < 0; i++) {
			inFlight.acquire();
			CompletableFuture<?> write = (i % 2 == 0) ? template.increment(prefix + "counter", 1)
					.whenComplete((value, ex) -> {
						if (ex == null) {
							incremented.incrementAndGet();
						}
					}) : template.set(prefix + (i % 20), random.nextInt(1000));
			all.add(write.whenComplete((value, ex) -> {
				if (ex != null && failed.incrementAndGet() <= 3) {
					logger.warn("A chaos write failed", ex);
				}
				inFlight.release();
			}));
		}
		try {
			CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			// counted in failed
		}
		return incremented.get() + " " + failed.get();
	}

	private static String run(GlobalValNode node, GlobalValTemplate template, String command, String rest)
			throws Exception {
		String[] args = rest.isEmpty() ? new String[0] : rest.split(" ");
		switch (command) {
			case "set": {
				// set <key> <json>
				String[] parts = rest.split(" ", 2);
				return String.valueOf(template.set(parts[0], json.readValue(parts[1], Object.class)).get(30, TimeUnit.SECONDS));
			}
			case "get":
				return json.writeValueAsString(template.get(args[0]));
			case "await":
				return String.valueOf(template.awaitRevision(Long.parseLong(args[0])).get(30, TimeUnit.SECONDS));
			case "revision":
				return String.valueOf(template.revision());
			case "preload": {
				// preload <count> <prefix>
				int count = Integer.parseInt(args[0]);
				List<CompletableFuture<Long>> writes = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					writes.add(template.set(args[1] + i, "value-" + i));
				}
				CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
				return String.valueOf(template.revision());
			}
			case "race-set": {
				// race-set <count> <keys> <prefix> <seed>: concurrent sets on a few keys
				int count = Integer.parseInt(args[0]);
				int keys = Integer.parseInt(args[1]);
				Random random = new Random(Long.parseLong(args[3]));
				List<CompletableFuture<Long>> writes = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					writes.add(template.set(args[2] + random.nextInt(keys), random.nextInt()));
				}
				CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
				return "done";
			}
			case "increment": {
				// increment <key> <count>: concurrent increments by one
				int count = Integer.parseInt(args[1]);
				List<CompletableFuture<Long>> writes = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					writes.add(template.increment(args[0], 1));
				}
				CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
				return "done";
			}
			case "cas": {
				// cas <key> <expected json or absent> <update json>
				Object expected = args[1].equals("absent") ? null : json.readValue(args[1], Object.class);
				return String.valueOf(template.compareAndSet(args[0], expected, json.readValue(args[2], Object.class))
					.get(30, TimeUnit.SECONDS));
			}
			case "dump": {
				// dump <prefix>: the entries whose key starts with prefix, sorted, as JSON
				TreeMap<String, Object> sorted = new TreeMap<>();
				template.entries().forEach((key, value) -> {
					if (key.startsWith(args.length > 0 ? args[0] : "")) {
						sorted.put(key, value);
					}
				});
				return json.writeValueAsString(sorted);
			}
			case "role":
				return template.role().toString();
			case "chaos": {
				// chaos <millis> <prefix>: sets and increments, at most 64 in flight, for a while;
				// answers how many increments succeeded and how many writes failed
				return chaos(template, Long.parseLong(args[0]), args[1]);
			}
			case "size":
				return String.valueOf(template.entries().size());
			case "bytes-sent":
				return String.valueOf(node.metrics().bytesSent());
			case "rejected":
				return String.valueOf(node.metrics().framesRejected());
			case "heap": {
				// heap in use after a full collection: what the node really holds on to
				System.gc();
				Runtime runtime = Runtime.getRuntime();
				return String.valueOf(runtime.totalMemory() - runtime.freeMemory());
			}
			case "threads":
				return String.valueOf(Thread.activeCount());
			case "exit":
				return "bye";
			default:
				return "error unknown command " + command;
		}
	}


}
