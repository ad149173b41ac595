package io.globalval.testsupport;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.globalval.core.GroupLock;
import io.globalval.core.MasterHandler;
import io.globalval.core.NodeMetrics;
import io.globalval.core.NodeSettings;
import io.globalval.core.Peer;
import io.globalval.core.Transport;
import io.globalval.core.WorkerHandler;
import io.globalval.protocol.Message;
import io.globalval.transport.uds.UdsTransport;

/**
 * The Unix-socket transport with a way for a test to break a process's connections from
 * inside the process: {@link #cut()} closes the sockets this node has open (a worker's to
 * its master, a master's to each of its workers), as a broken connection would, and the
 * worker reconnects on its own.
 */
final class CuttableTransport implements Transport {

	private final Transport delegate = new UdsTransport();

	private final Set<Peer> peers = ConcurrentHashMap.newKeySet();

	/**
	 * Close every connection this node has now.
	 * @return how many were closed
	 */
	int cut() {
		int cut = 0;
		for (Peer peer : this.peers) {
			if (this.peers.remove(peer)) {
				peer.close("cut by the test");
				cut++;
			}
		}
		return cut;
	}

	@Override
	public AutoCloseable serve(NodeSettings settings, MasterHandler master) throws IOException {
		return this.delegate.serve(settings, tracking(master));
	}

	@Override
	public AutoCloseable serve(NodeSettings settings, MasterHandler master, GroupLock lock) throws IOException {
		return this.delegate.serve(settings, tracking(master), lock);
	}

	@Override
	public AutoCloseable connect(NodeSettings settings, WorkerHandler worker) {
		return this.delegate.connect(settings, new WorkerHandler() {

			@Override
			public Message.Hello hello() {
				return worker.hello();
			}

			@Override
			public void connected(Peer master) {
				CuttableTransport.this.peers.add(master);
				worker.connected(master);
			}

			@Override
			public void received(Message message) {
				worker.received(message);
			}

			@Override
			public void endOfBatch() {
				worker.endOfBatch();
			}

			@Override
			public void disconnected(String reason) {
				// the worker has one connection at a time: whatever is left is that one
				CuttableTransport.this.peers.clear();
				worker.disconnected(reason);
			}

			@Override
			public boolean keepConnecting() {
				return worker.keepConnecting();
			}

			@Override
			public boolean masterUnreachable() {
				return worker.masterUnreachable();
			}

			@Override
			public NodeMetrics metrics() {
				return worker.metrics();
			}

		});
	}

	private MasterHandler tracking(MasterHandler master) {
		return new MasterHandler() {

			@Override
			public void received(Peer peer, Message message) {
				CuttableTransport.this.peers.add(peer);
				master.received(peer, message);
			}

			@Override
			public void disconnected(Peer peer, String reason) {
				CuttableTransport.this.peers.remove(peer);
				master.disconnected(peer, reason);
			}

			@Override
			public NodeMetrics metrics() {
				return master.metrics();
			}

		};
	}

	@Override
	public String address(NodeSettings settings) {
		return this.delegate.address(settings);
	}

}
