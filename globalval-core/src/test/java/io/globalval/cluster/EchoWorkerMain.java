package io.globalval.cluster;

import java.io.IOException;
import java.util.List;

/**
 * A stand-in worker: says hello with its index and arguments, then waits until its
 * standard input closes or it is killed. With the argument {@code exit} it exits at
 * once with code 3 instead, and with {@code quiet} it says nothing.
 */
public final class EchoWorkerMain {

	private EchoWorkerMain() {
	}

	public static void main(String[] args) throws IOException {
		List<String> arguments = List.of(args);
		if (arguments.contains("exit")) {
			System.exit(3);
		}
		if (!arguments.contains("quiet")) {
			System.out.println("hello from " + System.getenv(WorkerLaunch.WORKER_INDEX_VARIABLE) + " with "
					+ String.join(",", args));
			System.out.flush();
		}
		while (System.in.read() != -1) {
			// wait for the end of input, which never comes from the manager
		}
	}

}
