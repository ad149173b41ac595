package io.globalval.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.lettuce.core.RedisClient;

import io.globalval.GlobalValNodes;
import io.globalval.core.ChangeEvent;
import io.globalval.core.ChangeListener;
import io.globalval.core.GlobalValNode;
import io.globalval.core.NodeSettings;
import io.globalval.transport.redis.RedisSequencer;
import io.globalval.transport.redis.RedisTransportSettings;

/**
 * A globalval peer on the Redis transport in its own JVM, answering the commands of
 * {@link NodeProcessMain} and a few of its own:
 * <ul>
 * <li>{@code events <prefix>}: {@code <count> <in revision order> <digest>} of the change
 * events of keys with that prefix, the digest covering revision, key and value of each
 * in the order they came;</li>
 * <li>{@code snapshots}: how many snapshots the node applied;</li>
 * <li>{@code connected}: whether it is connected to Redis.</li>
 * </ul>
 * Arguments: {@code <redis uri> <name> [<stream max length>]}. The client is made here and
 * handed to the transport the way an application's client would be.
 */
public final class RedisNodeProcessMain {

	private RedisNodeProcessMain() {
	}

	public static void main(String[] args) throws Exception {
		NodeSettings settings = NodeSettings.builder()
			.name(args[1])
			.pingInterval(Duration.ofHours(1))
			.writeTimeout(Duration.ofSeconds(30))
			.build();
		RedisTransportSettings.Builder redis = RedisTransportSettings.builder();
		if (args.length > 2) {
			redis.streamMaxLength(Long.parseLong(args[2]));
		}
		RedisClient client = RedisClient.create(args[0]);
		GlobalValNode node = GlobalValNodes.builder(settings)
			.sequencer(new RedisSequencer(client, redis.build()))
			.start();
		EventRecorder events = new EventRecorder();
		node.addListener(events);
		try {
			NodeProcessMain.serve(node, (command, rest) -> switch (command) {
				case "events" -> events.summary(rest);
				case "snapshots" -> String.valueOf(node.metrics().snapshotsApplied());
				case "connected" -> String.valueOf(node.isConnected());
				default -> null;
			});
		}
		finally {
			client.shutdown();
		}
	}

	/** Keeps every change event, in the order the node delivered them. */
	private static final class EventRecorder implements ChangeListener {

		private final List<ChangeEvent> events = new ArrayList<>();

		@Override
		public synchronized void onChange(ChangeEvent event) {
			this.events.add(event);
		}

		synchronized String summary(String prefix) throws Exception {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			long count = 0;
			long last = 0;
			boolean ordered = true;
			for (ChangeEvent event : this.events) {
				if (!event.key().startsWith(prefix)) {
					continue;
				}
				count++;
				ordered &= event.revision() > last;
				last = event.revision();
				String json = (event.json() != null) ? new String(event.json(), StandardCharsets.UTF_8) : "-";
				digest.update((event.revision() + " " + event.key() + " " + json + "\n").getBytes(StandardCharsets.UTF_8));
			}
			return count + " " + ordered + " " + HexFormat.of().formatHex(digest.digest());
		}

	}

}
