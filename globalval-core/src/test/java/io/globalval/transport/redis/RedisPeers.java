package io.globalval.transport.redis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import io.globalval.testsupport.NodeProcess;
import io.globalval.testsupport.RedisNodeProcessMain;

/**
 * Starts peer JVMs on the Redis transport, several at once (a JVM takes a while to start).
 */
final class RedisPeers {

	private RedisPeers() {
	}

	/**
	 * Start peers and wait (bounded) until each is ready; kill them all if one fails.
	 * @param count how many
	 * @param log where their logs go
	 * @param arguments the arguments of {@link RedisNodeProcessMain}
	 * @return the peers, ready
	 */
	static List<NodeProcess> start(int count, Path log, String... arguments) throws Exception {
		return start(RedisNodeProcessMain.class, count, log, (i) -> List.of(arguments));
	}

	/**
	 * Start processes of a main class and wait (bounded) until each is ready; kill them all
	 * if one fails.
	 * @param main the main class, answering {@link NodeProcess}'s commands
	 * @param count how many
	 * @param log where their logs go
	 * @param arguments the arguments of process i (from 0)
	 * @return the processes, ready, in order
	 */
	static List<NodeProcess> start(Class<?> main, int count, Path log, IntFunction<List<String>> arguments)
			throws Exception {
		// not the common pool: on two cores it has one thread, and the starts would take turns
		ExecutorService executor = Executors.newFixedThreadPool(count);
		List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			List<String> processArguments = arguments.apply(i);
			starting.add(CompletableFuture.supplyAsync(() -> {
				try {
					return NodeProcess.start(main, log, processArguments);
				}
				catch (Exception ex) {
					throw new CompletionException(ex);
				}
			}, executor));
		}
		executor.shutdown();
		List<NodeProcess> started = new ArrayList<>();
		Exception failure = null;
		for (CompletableFuture<NodeProcess> future : starting) {
			try {
				started.add(future.get(120, TimeUnit.SECONDS));
			}
			catch (Exception ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		if (failure != null) {
			started.forEach(NodeProcess::close);
			throw failure;
		}
		return started;
	}

}
