package io.globalval.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.awaitility.Awaitility;

/**
 * A child JVM running {@link NodeProcessMain}, and the commands a test sends it. Every
 * wait is bounded; {@link #close()} kills the process.
 */
public final class NodeProcess implements AutoCloseable {

	private static final long ANSWER_TIMEOUT_SECONDS = 90;

	private final Process process;

	private final Writer stdin;

	private final Map<String, LinkedBlockingQueue<String>> answers = new ConcurrentHashMap<>();

	private final AtomicInteger ids = new AtomicInteger();

	private final String role;

	private final Path log;

	private NodeProcess(Process process, Path log) throws Exception {
		this.process = process;
		this.log = log;
		this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
		Thread reader = new Thread(this::readAnswers, "answers-" + process.pid());
		reader.setDaemon(true);
		reader.start();
		this.role = answer("0").split(" ")[1];
	}

	/**
	 * Start a node in a new JVM.
	 * @param directory the socket directory
	 * @param role AUTO, MASTER or WORKER
	 * @param name the application name
	 * @param log where the child's logs go
	 * @param extra more arguments for {@link NodeProcessMain}
	 * @return the started node, ready
	 */
	public static NodeProcess start(Path directory, String role, String name, Path log, String... extra)
			throws Exception {
		return start(directory, role, name, log, List.of("-Xmx256m"), List.of(extra));
	}

	/**
	 * Start a node in a new JVM with options of its own.
	 * @param directory the socket directory
	 * @param role AUTO, MASTER or WORKER
	 * @param name the application name
	 * @param log where the child's logs go
	 * @param jvmOptions options of the JVM, such as its heap size
	 * @param extra more arguments for {@link NodeProcessMain}: persistence, {@code name=value} settings
	 * @return the started node, ready
	 */
	public static NodeProcess start(Path directory, String role, String name, Path log, List<String> jvmOptions,
			List<String> extra) throws Exception {
		List<String> arguments = new ArrayList<>(List.of(directory.toString(), role, name));
		arguments.addAll(extra);
		return start(NodeProcessMain.class, log, jvmOptions, arguments);
	}

	/**
	 * Start a node in a new JVM with a main class of its own that answers like
	 * {@link NodeProcessMain}.
	 * @param main the main class
	 * @param log where the child's logs go
	 * @param arguments the main class's arguments
	 * @return the started node, ready
	 */
	public static NodeProcess start(Class<?> main, Path log, List<String> arguments) throws Exception {
		return start(main, log, List.of("-Xmx256m"), arguments);
	}

	private static NodeProcess start(Class<?> main, Path log, List<String> jvmOptions, List<String> arguments)
			throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java));
		command.addAll(jvmOptions);
		command.addAll(List.of("-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				main.getName()));
		command.addAll(arguments);
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		try {
			return new NodeProcess(process, log);
		}
		catch (Exception ex) {
			process.destroyForcibly();
			throw ex;
		}
	}

	private void readAnswers() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
				Writer logWriter = Files.newBufferedWriter(this.log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
						StandardOpenOption.APPEND)) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.startsWith("@")) {
					int space = line.indexOf(' ');
					queue(line.substring(1, space)).add(line.substring(space + 1));
				}
				else {
					logWriter.write("[" + this.process.pid() + "] " + line + "\n");
					logWriter.flush();
				}
			}
		}
		catch (IOException ex) {
			// the process ended; waiting callers time out with a clear message
		}
	}

	private LinkedBlockingQueue<String> queue(String id) {
		return this.answers.computeIfAbsent(id, (key) -> new LinkedBlockingQueue<>());
	}

	private String answer(String id) throws Exception {
		String answer = queue(id).poll(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (answer == null) {
			throw new IllegalStateException("No answer " + id + " from node process " + this.process.pid()
					+ " within " + ANSWER_TIMEOUT_SECONDS + "s (alive: " + this.process.isAlive() + ")");
		}
		return answer;
	}

	/**
	 * Send a command and return its answer.
	 * @param command the command and its arguments
	 * @return the answer
	 */
	public String call(String command) throws Exception {
		String id = send(command);
		String answer = answer(id);
		if (answer.startsWith("error")) {
			throw new IllegalStateException("Node " + this.process.pid() + " failed '" + command + "': " + answer);
		}
		return answer;
	}

	/**
	 * Send a command without waiting for its answer.
	 * @param command the command
	 * @return the id to {@link #await(String)} its answer with
	 */
	public String send(String command) throws IOException {
		String id = String.valueOf(this.ids.incrementAndGet());
		synchronized (this.stdin) {
			this.stdin.write(id + " " + command + "\n");
			this.stdin.flush();
		}
		return id;
	}

	/**
	 * Wait for the answer of a command sent with {@link #send(String)}.
	 * @param id the command's id
	 * @return the answer
	 */
	public String await(String id) throws Exception {
		String answer = answer(id);
		if (answer.startsWith("error")) {
			throw new IllegalStateException("Node " + this.process.pid() + " failed: " + answer);
		}
		return answer;
	}

	/**
	 * Return the role the node reported when it was ready.
	 * @return MASTER or WORKER
	 */
	public String role() {
		return this.role;
	}

	/**
	 * Return the process.
	 * @return the process
	 */
	public Process process() {
		return this.process;
	}

	/**
	 * Stop the process with SIGSTOP and wait until every one of its threads has stopped.
	 * {@code kill} returns once the signal is sent; the threads keep running until each
	 * has taken it, which takes tens of milliseconds on a loaded machine, so a test that
	 * relies on a paused process must not act before this returns.
	 */
	public void pause() throws Exception {
		signal("STOP");
		Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(this::stopped);
	}

	/**
	 * Let a process stopped by {@link #pause()} go on, with SIGCONT.
	 */
	public void resume() throws Exception {
		signal("CONT");
	}

	private void signal(String signal) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(this.process.pid())).inheritIO()
			.start();
		try {
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + this.process.pid() + " failed");
			}
		}
		finally {
			kill.destroyForcibly();
		}
	}

	/** Whether every thread of the process is stopped, as /proc/PID/task/TID/stat says. */
	private boolean stopped() throws IOException {
		try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(this.process.pid()), "task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				String stat;
				try {
					stat = Files.readString(task.resolve("stat"));
				}
				catch (IOException ex) {
					continue; // the thread ended
				}
				char state = stat.charAt(stat.lastIndexOf(')') + 2);
				if (state != 'T' && state != 't' && state != 'Z' && state != 'X') {
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * Kill the process and wait (bounded) for it to end.
	 */
	@Override
	public void close() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
