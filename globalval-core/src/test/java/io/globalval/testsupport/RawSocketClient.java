package io.globalval.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A client that depends on nothing but the JDK, so that it can run as another operating
 * system user from a copy of this one class: connects to a Unix socket, writes the bytes
 * it was given, and reads until the other side closes.
 * <p>
 * Arguments: {@code <socket path> <hex bytes to send> [<frames>]}: with a frame count,
 * stops after that many complete frames (4-byte length prefix each) instead of waiting
 * for the end of the stream. Prints one line:
 * {@code connect-failed <exception>} or {@code received <hex of everything read>}.
 */
public final class RawSocketClient {

	private RawSocketClient() {
	}

	public static void main(String[] args) {
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
		SocketChannel channel;
		try {
			channel = SocketChannel.open(StandardProtocolFamily.UNIX);
			channel.connect(UnixDomainSocketAddress.of(args[0]));
		}
		catch (IOException ex) {
			out.println("connect-failed " + ex);
			return;
		}
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		try (channel) {
			ByteBuffer request = ByteBuffer.wrap(HexFormat.of().parseHex(args[1]));
			try {
				while (request.hasRemaining()) {
					channel.write(request);
				}
			}
			catch (IOException ex) {
				// refused before the request went out: what the master said is still to be read
			}
			int frames = (args.length > 2) ? Integer.parseInt(args[2]) : Integer.MAX_VALUE;
			ByteBuffer buffer = ByteBuffer.allocate(4096);
			while (completeFrames(received.toByteArray()) < frames && channel.read(buffer) >= 0) {
				received.write(buffer.array(), 0, buffer.position());
				buffer.clear();
			}
		}
		catch (IOException ex) {
			// a reset after the refusal ends the stream too; report what arrived
		}
		out.println("received " + HexFormat.of().formatHex(received.toByteArray()));
	}

	private static int completeFrames(byte[] bytes) {
		int count = 0;
		int position = 0;
		while (position + 4 <= bytes.length) {
			int end = position + 4 + ByteBuffer.wrap(bytes, position, 4).getInt();
			if (end > bytes.length || end < position) {
				break;
			}
			count++;
			position = end;
		}
		return count;
	}

}
