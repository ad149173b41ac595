package io.globalval.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The coordinator's handle on one {@link ChildMain} process: sends commands, matches
 * answers by id, and kills the process on {@link #close()}. Every wait is bounded.
 */
final class ChildProcess implements AutoCloseable {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final String name;

	private final Process process;

	private final Writer stdin;

	private final Map<String, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();

	private final AtomicInteger ids = new AtomicInteger();

	private final CompletableFuture<JsonNode> hello;

	private ChildProcess(String name, Process process) {
		this.name = name;
		this.process = process;
		this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
		this.hello = answer("0");
		Thread reader = new Thread(this::readAnswers, "answers-" + name);
		reader.setDaemon(true);
		reader.start();
		process.onExit().thenRun(() -> {
			IOException gone = new IOException(name + " exited with " + process.exitValue() + " (see its log)");
			this.answers.values().forEach((answer) -> answer.completeExceptionally(gone));
		});
	}

	/**
	 * Start a child JVM; it answers its hello once started (see {@link #awaitHello}).
	 * @param children the registry that kills it at the end
	 * @param name a name for messages and its log file
	 * @param jvmOptions options of the JVM
	 * @param args the arguments of {@link ChildMain}
	 * @param log where its stderr goes
	 * @return the process
	 * @throws IOException if it cannot be started
	 */
	static ChildProcess start(Children children, String name, List<String> jvmOptions, List<String> args, Path log)
			throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ChildMain.class.getName());
		command.addAll(args);
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		ChildProcess child = new ChildProcess(name, process);
		children.add(child);
		return child;
	}

	String name() {
		return this.name;
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * Wait for the child's hello.
	 * @param timeoutMillis the longest wait
	 * @return the hello
	 */
	JsonNode awaitHello(long timeoutMillis) {
		return get(this.hello, "hello", timeoutMillis);
	}

	/**
	 * Send a command without waiting.
	 * @param command the command
	 * @return the answer, when it comes
	 */
	CompletableFuture<JsonNode> send(ChildCommand command) {
		String wire = command.wire();
		String id = Integer.toString(this.ids.incrementAndGet());
		CompletableFuture<JsonNode> answer = answer(id);
		String line = id + " " + wire + "\n";
		try {
			synchronized (this.stdin) {
				this.stdin.write(line);
				this.stdin.flush();
			}
		}
		catch (IOException ex) {
			answer.completeExceptionally(
					new IOException(this.name + " did not take '" + command.verb().wireName() + "': " + ex, ex));
		}
		return answer;
	}

	/**
	 * Send a command and wait for its answer.
	 * @param timeoutMillis the longest wait
	 * @param command the command
	 * @return the answer
	 */
	JsonNode call(long timeoutMillis, ChildCommand command) {
		return get(send(command), command.verb().wireName(), timeoutMillis);
	}

	/**
	 * Send one command to several processes at once, then wait for every answer.
	 * @param processes the processes
	 * @param timeoutMillis the longest wait for each answer
	 * @param command the command
	 * @return the answers, in the order of the processes
	 */
	static List<JsonNode> callAll(List<ChildProcess> processes, long timeoutMillis, ChildCommand command) {
		List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
		for (ChildProcess process : processes) {
			answers.add(process.send(command));
		}
		List<JsonNode> results = new ArrayList<>();
		for (int i = 0; i < answers.size(); i++) {
			results.add(processes.get(i).get(answers.get(i), command.verb().wireName(), timeoutMillis));
		}
		return results;
	}

	JsonNode get(CompletableFuture<JsonNode> answer, String what, long timeoutMillis) {
		try {
			return answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException(this.name + ": no answer to '" + what + "' within " + timeoutMillis + " ms");
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(this.name + ": '" + what + "' failed: " + ex.getCause().getMessage(),
					ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private CompletableFuture<JsonNode> answer(String id) {
		return this.answers.computeIfAbsent(id, (key) -> new CompletableFuture<>());
	}

	private void readAnswers() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (!line.startsWith("@")) {
					continue;
				}
				int space = line.indexOf(' ');
				String id = line.substring(1, space);
				String body = line.substring(space + 1);
				CompletableFuture<JsonNode> answer = answer(id);
				if (body.startsWith("!")) {
					answer.completeExceptionally(new IllegalStateException(body.substring(1)));
				}
				else {
					answer.complete(MAPPER.readTree(body));
				}
				if (!"0".equals(id)) {
					this.answers.remove(id);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// the process is gone; onExit fails what is still waiting
		}
	}

	/**
	 * Ask the child to exit (so that a flight recording is written), wait a little, then
	 * kill it and wait for it to be gone.
	 * @param graceMillis how long it may take to exit by itself
	 */
	void stop(long graceMillis) {
		if (this.process.isAlive() && graceMillis > 0) {
			send(new ChildCommand.Exit());
			try {
				this.process.waitFor(graceMillis, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		close();
	}

	/**
	 * Kill the child (and anything it started) and wait, bounded, until it is gone.
	 */
	@Override
	public void close() {
		this.process.descendants().forEach(ProcessHandle::destroyForcibly);
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String toString() {
		return this.name + " (pid " + this.process.pid() + ")";
	}

	/**
	 * Every child a harness started, so that all of them are killed at the end: by the
	 * harness's {@code finally}, and by a shutdown hook if the harness itself is stopped.
	 */
	static final class Children implements AutoCloseable {

		private final List<ChildProcess> started = new ArrayList<>();

		private final Thread hook = new Thread(this::close, "kill-children");

		Children() {
			Runtime.getRuntime().addShutdownHook(this.hook);
		}

		synchronized void add(ChildProcess child) {
			this.started.add(child);
		}

		synchronized List<ChildProcess> alive() {
			List<ChildProcess> alive = new ArrayList<>();
			for (ChildProcess child : this.started) {
				if (child.process.isAlive()) {
					alive.add(child);
				}
			}
			return alive;
		}

		@Override
		public void close() {
			List<ChildProcess> all;
			synchronized (this) {
				all = new ArrayList<>(this.started);
				this.started.clear();
			}
			all.forEach(ChildProcess::close);
			if (Thread.currentThread() != this.hook) {
				try {
					Runtime.getRuntime().removeShutdownHook(this.hook);
				}
				catch (IllegalStateException ex) {
					// already shutting down
				}
			}
		}

	}

}
