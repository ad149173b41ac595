package io.globalval.transport.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.function.BiConsumer;

import io.globalval.core.NodeMetrics;
import io.globalval.protocol.Frame;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.FrameReader;
import io.globalval.protocol.Message;

/**
 * Reads frames from a connection until it ends and hands each decoded message on.
 */
public final class FrameLoop {

	private FrameLoop() {
	}

	/**
	 * Read until the peer closes the connection, handing on each message with its frame
	 * as it arrived, and say when the frames read so far are all handled.
	 * @param channel the channel
	 * @param maxFrameBytes the frame limit
	 * @param metrics counts the bytes read
	 * @param handler receives each message and its encoded frame (length field included,
	 * from position to limit), a view valid only during the call, or {@code null} for a
	 * frame larger than the read buffer
	 * @param endOfBatch run when no complete frame is left buffered, or {@code null}
	 * @throws IOException if reading fails
	 * @throws io.globalval.protocol.ProtocolException if the peer sends an invalid frame
	 */
	public static void run(ReadableByteChannel channel, int maxFrameBytes, NodeMetrics metrics,
			BiConsumer<Message, ByteBuffer> handler, Runnable endOfBatch) throws IOException {
		FrameReader reader = new FrameReader(channel, maxFrameBytes);
		long counted = 0;
		Frame frame;
		while ((frame = reader.next()) != null) {
			Message message = FrameCodec.decode(frame);
			long read = reader.bytesRead();
			metrics.addBytesReceived(read - counted);
			counted = read;
			handler.accept(message, reader.lastFrameBytes());
			if (endOfBatch != null && !reader.hasCompleteFrame()) {
				endOfBatch.run();
			}
		}
	}

}
