package io.globalval.benchmarks.harness;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A command the harness sends to a {@link ChildMain} process, with its arguments typed.
 * On the wire it is one line of text, {@code <verb> <args...>} separated by single spaces
 * (the {@link ChildProcess} puts the command's id in front); {@link #wire()} writes that
 * form and {@link #parse(String)} reads it back, so that the verbs and the order and
 * types of the arguments live here only. A child runs a command through
 * {@link #accept(Handler)}: a new command does not compile until the {@link Handler}
 * handles it. No argument may contain a space.
 */
sealed interface ChildCommand {

	/**
	 * Return the verb of this command.
	 * @return the verb
	 */
	default Verb verb() {
		return Verb.forType(getClass());
	}

	/**
	 * Return the arguments of this command, in their wire order: its record components,
	 * in the order the verb's parser reads them into its constructor.
	 * @return the arguments
	 */
	default List<Object> arguments() {
		RecordComponent[] components = getClass().getRecordComponents();
		List<Object> arguments = new ArrayList<>(components.length);
		for (RecordComponent component : components) {
			try {
				arguments.add(component.getAccessor().invoke(this));
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException("Cannot read " + component.getName() + " of " + this, ex);
			}
		}
		return arguments;
	}

	/**
	 * Run this command in a child.
	 * @param handler what runs it
	 * @return the answer, written as JSON
	 * @throws Exception if the command failed
	 */
	Object accept(Handler handler) throws Exception;

	/**
	 * Return the wire form of this command: its verb, then its arguments.
	 * @return the line, without the id and the newline
	 */
	default String wire() {
		StringBuilder line = new StringBuilder(verb().wireName());
		for (Object argument : arguments()) {
			String text = String.valueOf(argument);
			if (text.isEmpty() || text.indexOf(' ') >= 0 || text.indexOf('\n') >= 0) {
				throw new IllegalArgumentException(
						"A " + verb().wireName() + " argument must be one word: '" + text + "'");
			}
			line.append(' ').append(text);
		}
		return line.toString();
	}

	/**
	 * Read a command from its wire form.
	 * @param wire the verb and its arguments, separated by single spaces
	 * @return the command
	 * @throws IllegalArgumentException if the verb is unknown or the arguments do not fit
	 */
	static ChildCommand parse(String wire) {
		String[] parts = wire.trim().split(" ");
		Verb verb = Verb.forWireName(parts[0]);
		Arguments arguments = new Arguments(verb, Arrays.copyOfRange(parts, 1, parts.length));
		ChildCommand command = verb.parser.apply(arguments);
		arguments.done();
		return command;
	}

	/**
	 * The verbs of the commands: their wire names and how their arguments are read.
	 */
	enum Verb {

		/** See {@link Preload}. */
		PRELOAD("preload", Preload.class, (a) -> new Preload(a.nextInt(), a.nextInt())),

		/** See {@link AwaitSize}. */
		AWAIT_SIZE("awaitSize", AwaitSize.class, (a) -> new AwaitSize(a.nextInt(), a.nextLong())),

		/** See {@link Warm}. */
		WARM("warm", Warm.class, (a) -> new Warm(a.nextInt(), a.nextLong())),

		/** See {@link LatencyArm}. */
		LATENCY_ARM("Larm", LatencyArm.class, (a) -> new LatencyArm(a.next(), a.nextInt())),

		/** See {@link LatencySend}. */
		LATENCY_SEND("Lsend", LatencySend.class, (a) -> new LatencySend(a.next(), a.nextInt(), a.nextLong(), a.nextLong())),

		/** See {@link LatencyResult}. */
		LATENCY_RESULT("Lresult", LatencyResult.class, (a) -> new LatencyResult(a.nextLong())),

		/** See {@link ThroughputArm}. */
		THROUGHPUT_ARM("Tarm", ThroughputArm.class, (a) -> new ThroughputArm(a.next(), a.nextLong(), a.nextLong())),

		/** See {@link ThroughputGo}. */
		THROUGHPUT_GO("Tgo", ThroughputGo.class, (a) -> new ThroughputGo(a.nextLong(), a.nextLong())),

		/** See {@link ThroughputResult}. */
		THROUGHPUT_RESULT("Tresult", ThroughputResult.class, (a) -> new ThroughputResult(a.nextLong())),

		/** See {@link ConvergenceGo}. */
		CONVERGENCE_GO("Cgo", ConvergenceGo.class, (a) -> new ConvergenceGo(a.nextInt(), a.nextInt(), a.nextLong(), a.nextLong())),

		/** See {@link Dump}. */
		DUMP("dump", Dump.class, (a) -> new Dump()),

		/** See {@link Cpu}. */
		CPU("cpu", Cpu.class, (a) -> new Cpu()),

		/** See {@link Bytes}. */
		BYTES("bytes", Bytes.class, (a) -> new Bytes()),

		/** See {@link Revision}. */
		REVISION("revision", Revision.class, (a) -> new Revision()),

		/** See {@link AwaitRevision}. */
		AWAIT_REVISION("await", AwaitRevision.class, (a) -> new AwaitRevision(a.nextLong(), a.nextLong())),

		/** See {@link SetOne}. */
		SET_ONE("setOne", SetOne.class, (a) -> new SetOne(a.next(), a.nextLong(), a.nextLong())),

		/** See {@link AwaitValue}. */
		AWAIT_VALUE("awaitValue", AwaitValue.class, (a) -> new AwaitValue(a.next(), a.nextLong(), a.nextLong())),

		/** See {@link Join}. */
		JOIN("join", Join.class, (a) -> new Join(a.nextInt(), a.nextLong())),

		/** See {@link PreloadCache}. */
		PRELOAD_CACHE("preloadCache", PreloadCache.class, (a) -> new PreloadCache()),

		/** See {@link AwaitMembers}. */
		AWAIT_MEMBERS("members", AwaitMembers.class, (a) -> new AwaitMembers(a.nextInt(), a.nextLong())),

		/** See {@link AwaitClients}. */
		AWAIT_CLIENTS("clients", AwaitClients.class, (a) -> new AwaitClients(a.nextInt(), a.nextLong())),

		/** See {@link Exit}. */
		EXIT("exit", Exit.class, (a) -> new Exit());

		private final String wireName;

		private final Class<? extends ChildCommand> type;

		private final Function<Arguments, ChildCommand> parser;

		Verb(String wireName, Class<? extends ChildCommand> type, Function<Arguments, ChildCommand> parser) {
			this.wireName = wireName;
			this.type = type;
			this.parser = parser;
		}

		/**
		 * Return the name of this verb on the wire.
		 * @return the name
		 */
		String wireName() {
			return this.wireName;
		}

		static Verb forType(Class<?> type) {
			for (Verb verb : values()) {
				if (verb.type == type) {
					return verb;
				}
			}
			throw new IllegalStateException("No verb for " + type.getName());
		}

		static Verb forWireName(String wireName) {
			for (Verb verb : values()) {
				if (verb.wireName.equals(wireName)) {
					return verb;
				}
			}
			throw new IllegalArgumentException("Unknown command " + wireName);
		}

	}

	/**
	 * The arguments of a command on the wire, read in order.
	 */
	final class Arguments {

		private final Verb verb;

		private final String[] values;

		private int next;

		private Arguments(Verb verb, String[] values) {
			this.verb = verb;
			this.values = values;
		}

		String next() {
			if (this.next >= this.values.length) {
				throw new IllegalArgumentException(
						this.verb.wireName + " takes more than the " + this.values.length + " arguments given");
			}
			return this.values[this.next++];
		}

		int nextInt() {
			return Integer.parseInt(next());
		}

		long nextLong() {
			return Long.parseLong(next());
		}

		void done() {
			if (this.next < this.values.length) {
				throw new IllegalArgumentException(
						this.verb.wireName + " takes " + this.next + " arguments, not " + this.values.length);
			}
		}

	}

	/**
	 * What runs the commands in a child: one method per command, which returns the
	 * command's answer (written as JSON) or throws if the command failed.
	 */
	interface Handler {

		/** Run a {@link Preload}; answer {@code size} and {@code ms}. */
		Object preload(Preload command) throws Exception;

		/** Run an {@link AwaitSize}; answer {@code size} and {@code ms}. */
		Object awaitSize(AwaitSize command) throws Exception;

		/** Run a {@link Warm}; answer {@code sets} and {@code ms}. */
		Object warm(Warm command) throws Exception;

		/** Run a {@link LatencyArm}; answer nothing. */
		Object latencyArm(LatencyArm command) throws Exception;

		/** Run a {@link LatencySend}; answer {@code sent}, {@code tFirst}, {@code tLast} and {@code failed}. */
		Object latencySend(LatencySend command) throws Exception;

		/** Run a {@link LatencyResult}; answer {@code lat}, {@code seen}, {@code lastArrival} and {@code applied}. */
		Object latencyResult(LatencyResult command) throws Exception;

		/** Run a {@link ThroughputArm}; answer {@code values}. */
		Object throughputArm(ThroughputArm command) throws Exception;

		/** Run a {@link ThroughputGo}; answer {@code t0}, {@code t1} and {@code n}. */
		Object throughputGo(ThroughputGo command) throws Exception;

		/**
		 * Run a {@link ThroughputResult};
		 * answer {@code done}, {@code tDone}, {@code seen}, {@code failed} and {@code failure}.
		 */
		Object throughputResult(ThroughputResult command) throws Exception;

		/**
		 * Run a {@link ConvergenceGo};
		 * answer {@code t0}, {@code t1}, {@code tDone}, {@code sets}, {@code increments} and {@code failed}.
		 */
		Object convergenceGo(ConvergenceGo command) throws Exception;

		/** Run a {@link Dump}; answer every key and its value. */
		Object dump(Dump command) throws Exception;

		/** Run a {@link Cpu}; answer {@code cpu_ns}, {@code ctx_switches} and {@code sys_ticks}. */
		Object cpu(Cpu command) throws Exception;

		/** Run a {@link Bytes}; answer {@code bytes}. */
		Object bytes(Bytes command) throws Exception;

		/** Run a {@link Revision}; answer {@code revision}. */
		Object revision(Revision command) throws Exception;

		/** Run an {@link AwaitRevision}; answer {@code revision}. */
		Object awaitRevision(AwaitRevision command) throws Exception;

		/** Run a {@link SetOne}; answer {@code t}. */
		Object setOne(SetOne command) throws Exception;

		/** Run an {@link AwaitValue}; answer {@code ms}. */
		Object awaitValue(AwaitValue command) throws Exception;

		/** Run a {@link Join}; answer {@code join_ms}, {@code start_returned_ms} and {@code size}. */
		Object join(Join command) throws Exception;

		/** Run a {@link PreloadCache}; answer {@code size}. */
		Object preloadCache(PreloadCache command) throws Exception;

		/** Run an {@link AwaitMembers}; answer {@code members}. */
		Object awaitMembers(AwaitMembers command) throws Exception;

		/** Run an {@link AwaitClients}; answer {@code clients}. */
		Object awaitClients(AwaitClients command) throws Exception;

		/** Run an {@link Exit}; answer nothing. */
		Object exit(Exit command) throws Exception;

	}

	/**
	 * Put keys {@code k<from>..k<to - 1>}, each with a value of writer -1 and sequence
	 * number its index.
	 *
	 * @param from the first index
	 * @param to the index after the last
	 */
	record Preload(int from, int to) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.preload(this);
		}

	}

	/**
	 * Wait until the local map holds at least {@code size} keys.
	 *
	 * @param size the keys to wait for
	 * @param timeoutMillis the longest wait
	 */
	record AwaitSize(int size, long timeoutMillis) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.awaitSize(this);
		}

	}

	/**
	 * Warm up: set key {@code warm} up to {@code sets} times, for at most {@code maxMillis}.
	 *
	 * @param sets the most sets
	 * @param maxMillis the longest warm-up
	 */
	record Warm(int sets, long maxMillis) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.warm(this);
		}

	}

	/**
	 * Workload L: record the arrivals of {@code sets} sets of {@code key}.
	 *
	 * @param key the key
	 * @param sets the sets to expect
	 */
	record LatencyArm(String key, int sets) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.latencyArm(this);
		}

	}

	/**
	 * Workload L: set {@code key} {@code sets} times, one every {@code intervalNanos},
	 * until {@code deadline}.
	 *
	 * @param key the key
	 * @param sets the sets
	 * @param intervalNanos the time between two sets
	 * @param deadline the {@code System.nanoTime()} after which no set is sent
	 */
	record LatencySend(String key, int sets, long intervalNanos, long deadline) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.latencySend(this);
		}

	}

	/**
	 * Workload L: wait up to {@code timeoutMillis} for the last arrivals, then answer them.
	 *
	 * @param timeoutMillis the longest wait
	 */
	record LatencyResult(long timeoutMillis) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.latencyResult(this);
		}

	}

	/**
	 * Workload T: count the arrivals of every writer's range ({@code spec}:
	 * {@code w:lo:hi} per writer, comma-separated); a writer also precomputes the values
	 * of its own range {@code [lo, hi)}, the others get an empty one.
	 *
	 * @param spec the writers' ranges
	 * @param lo the first sequence number this process writes
	 * @param hi the sequence number after the last it writes
	 */
	record ThroughputArm(String spec, long lo, long hi) implements ChildCommand {

		/**
		 * Arm a process that does not write.
		 * @param spec the writers' ranges
		 */
		ThroughputArm(String spec) {
			this(spec, -1, -1);
		}

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.throughputArm(this);
		}

	}

	/**
	 * Workload T: at {@code startAt}, write the precomputed values as fast as possible,
	 * until {@code deadline}.
	 *
	 * @param startAt the {@code System.nanoTime()} of the first write
	 * @param deadline the {@code System.nanoTime()} after which writing stops
	 */
	record ThroughputGo(long startAt, long deadline) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.throughputGo(this);
		}

	}

	/**
	 * Workload T: wait until {@code deadline} for every update, then answer what arrived.
	 *
	 * @param deadline the {@code System.nanoTime()} the wait ends at
	 */
	record ThroughputResult(long deadline) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.throughputResult(this);
		}

	}

	/**
	 * Workload C: at {@code startAt}, set random values of ten keys {@code sets} times,
	 * with {@code increments} increments of {@code counter} spread among them, until
	 * {@code deadline}.
	 *
	 * @param sets the sets
	 * @param increments the increments
	 * @param startAt the {@code System.nanoTime()} of the first write
	 * @param deadline the {@code System.nanoTime()} after which writing stops
	 */
	record ConvergenceGo(int sets, int increments, long startAt, long deadline) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.convergenceGo(this);
		}

	}

	/**
	 * Answer the local map.
	 */
	record Dump() implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.dump(this);
		}

	}

	/**
	 * Answer this process's CPU time, kernel-mode ticks and context switches so far.
	 */
	record Cpu() implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.cpu(this);
		}

	}

	/**
	 * Answer the bytes this process sent so far.
	 */
	record Bytes() implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.bytes(this);
		}

	}

	/**
	 * Answer the revision of the local map (globalval).
	 */
	record Revision() implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.revision(this);
		}

	}

	/**
	 * Wait until the local map reaches {@code revision} (globalval).
	 *
	 * @param revision the revision
	 * @param timeoutMillis the longest wait
	 */
	record AwaitRevision(long revision, long timeoutMillis) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.awaitRevision(this);
		}

	}

	/**
	 * Set {@code key} to a value of writer {@code w} and sequence number {@code s}, and
	 * wait for the write.
	 *
	 * @param key the key
	 * @param w the writer id in the value
	 * @param s the sequence number in the value
	 */
	record SetOne(String key, long w, long s) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.setOne(this);
		}

	}

	/**
	 * Wait until {@code key} holds a value of sequence number {@code s}.
	 *
	 * @param key the key
	 * @param s the sequence number
	 * @param timeoutMillis the longest wait
	 */
	record AwaitValue(String key, long s, long timeoutMillis) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.awaitValue(this);
		}

	}

	/**
	 * Workload J: start the deferred node and wait until it holds {@code keys} keys.
	 *
	 * @param keys the keys of the map
	 * @param timeoutMillis the longest wait
	 */
	record Join(int keys, long timeoutMillis) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.join(this);
		}

	}

	/**
	 * Load the preloaded map into Redisson's local cache, as an application's would.
	 */
	record PreloadCache() implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.preloadCache(this);
		}

	}

	/**
	 * Wait until the Hazelcast cluster has {@code members} members.
	 *
	 * @param members the members
	 * @param timeoutMillis the longest wait
	 */
	record AwaitMembers(int members, long timeoutMillis) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.awaitMembers(this);
		}

	}

	/**
	 * Wait until the relay has {@code clients} workers connected.
	 *
	 * @param clients the workers
	 * @param timeoutMillis the longest wait
	 */
	record AwaitClients(int clients, long timeoutMillis) implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.awaitClients(this);
		}

	}

	/**
	 * Exit shortly after answering, so that a flight recording is written.
	 */
	record Exit() implements ChildCommand {

		@Override
		public Object accept(Handler handler) throws Exception {
			return handler.exit(this);
		}

	}

}
