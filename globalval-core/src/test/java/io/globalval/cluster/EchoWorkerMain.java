package io.globalval.cluster;

import java.io.IOException;

/**
 * A stand-in worker: says hello with its index and port, then waits until its standard
 * input closes or it is killed.
 */
public final class EchoWorkerMain {

	private EchoWorkerMain() {
	}

	public static void main(String[] args) throws IOException {
		System.out.println("hello from " + System.getenv(WorkerLaunch.WORKER_INDEX_VARIABLE) + " on port "
				+ System.getenv("SERVER_PORT") + " with " + String.join(",", args));
		System.out.flush();
		while (System.in.read() != -1) {
			// wait for the end of input, which never comes from the manager
		}
	}

}
