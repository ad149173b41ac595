package io.globalval.transport.tcp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.globalval.transport.channel.PeerAdmission;
import io.globalval.transport.channel.PeerRefusedException;

/**
 * The mutual challenge-response that opens every TCP connection, before any frame:
 * <pre>
 *  master -> worker   MAGIC (8) | master nonce (32)
 *  worker -> master   MAGIC (8) | worker nonce (32) | HMAC(secret, "worker to master", app, nonces) (32)
 *  master -> worker   0x00 | HMAC(secret, "master to worker", app, nonces) (32)    admitted
 *                     0x01, then closed                                            refused
 * </pre>
 * HMAC is HMAC-SHA256 over a direction label, the length-prefixed application name and
 * both nonces, so an answer can be replayed neither on another connection (fresh master
 * nonce), nor in the other direction (label), nor to another application sharing the
 * secret. The worker checks the master's answer too: a process that took the master's
 * port after it died learns nothing and gets no writes. MACs are compared in constant
 * time. Every read is bounded in size, and each side's part of the handshake is bounded in
 * total time ({@link #TIMEOUT_MILLIS} from its start, not per read), so a peer that stalls,
 * or trickles a byte now and then, holds one of the master's admission slots no longer.
 * <p>
 * The handshake authenticates the two ends; it does not encrypt or sign the frames that
 * follow, which is why the master binds loopback unless told otherwise.
 */
final class TcpHandshake implements PeerAdmission {

	/** Opens both first messages: the protocol and the version of this handshake. */
	static final byte[] MAGIC = "gvaltcp1".getBytes(StandardCharsets.US_ASCII);

	static final int NONCE_BYTES = 32;

	static final int MAC_BYTES = 32;

	static final int CHALLENGE_BYTES = MAGIC.length + NONCE_BYTES;

	static final int RESPONSE_BYTES = MAGIC.length + NONCE_BYTES + MAC_BYTES;

	static final byte ADMITTED = 0x00;

	static final byte REFUSED = 0x01;

	/** How long either side's part of the handshake may take in all, from its start. */
	static final int TIMEOUT_MILLIS = 5000;

	private static final String ALGORITHM = "HmacSHA256";

	private static final byte[] WORKER_LABEL = "globalval tcp: worker to master".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] MASTER_LABEL = "globalval tcp: master to worker".getBytes(StandardCharsets.US_ASCII);

	private final String appName;

	private final byte[] appNameBytes;

	private final SecretKeySpec key;

	private final int timeoutMillis;

	private final SecureRandom random = new SecureRandom();

	/**
	 * Create the handshake of an application.
	 * @param appName the application name, part of every proof
	 * @param secret the shared secret
	 * @param timeoutMillis how long to wait for the peer's part
	 */
	TcpHandshake(String appName, String secret, int timeoutMillis) {
		this.appName = appName;
		this.appNameBytes = appName.getBytes(StandardCharsets.UTF_8);
		this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
		this.timeoutMillis = timeoutMillis;
	}

	/**
	 * The master's side: challenge a newly accepted peer and admit it only if it proves
	 * the secret.
	 */
	@Override
	public void admit(SocketChannel channel) throws IOException {
		long deadlineNanos = deadline();
		byte[] masterNonce = nonce();
		write(channel, concat(MAGIC, masterNonce));
		byte[] response;
		try {
			response = readFully(channel, RESPONSE_BYTES, "the answer to the challenge", deadlineNanos);
		}
		catch (EOFException | SocketTimeoutException ex) {
			throw new PeerRefusedException(ex.getMessage());
		}
		if (!MessageDigest.isEqual(Arrays.copyOf(response, MAGIC.length), MAGIC)) {
			throw new PeerRefusedException(("sent no globalval TCP handshake (it began with %s); only globalval "
					+ "workers with transport tcp may connect").formatted(hex(response, MAGIC.length)),
					new byte[] { REFUSED });
		}
		byte[] workerNonce = Arrays.copyOfRange(response, MAGIC.length, MAGIC.length + NONCE_BYTES);
		byte[] proof = Arrays.copyOfRange(response, MAGIC.length + NONCE_BYTES, RESPONSE_BYTES);
		if (!MessageDigest.isEqual(proof, mac(WORKER_LABEL, masterNonce, workerNonce))) {
			throw new PeerRefusedException("failed the secret challenge: its globalval.tcp.secret (or globalval.name) "
					+ "differs from the master's of '" + this.appName + "'; set the same secret in every process",
					new byte[] { REFUSED });
		}
		ByteBuffer admitted = ByteBuffer.allocate(1 + MAC_BYTES);
		admitted.put(ADMITTED).put(mac(MASTER_LABEL, masterNonce, workerNonce)).flip();
		write(channel, admitted.array());
	}

	/**
	 * The worker's side: answer the master's challenge and check its proof.
	 * @param channel a channel just connected to the master
	 * @param address where the master is, for messages
	 * @throws PeerRefusedException if the master refused this worker, or the peer did not
	 * prove that it knows the secret
	 * @throws IOException if the connection failed or timed out
	 */
	void connect(SocketChannel channel, String address) throws IOException {
		long deadlineNanos = deadline();
		byte[] challenge = readFully(channel, CHALLENGE_BYTES, "the master's challenge", deadlineNanos);
		if (!MessageDigest.isEqual(Arrays.copyOf(challenge, MAGIC.length), MAGIC)) {
			throw new PeerRefusedException(("The process at %s is not a globalval TCP master (it sent %s, not a "
					+ "challenge); check globalval.tcp.host and globalval.tcp.port")
				.formatted(address, hex(challenge, MAGIC.length)));
		}
		byte[] masterNonce = Arrays.copyOfRange(challenge, MAGIC.length, CHALLENGE_BYTES);
		byte[] workerNonce = nonce();
		write(channel, concat(MAGIC, workerNonce, mac(WORKER_LABEL, masterNonce, workerNonce)));
		byte[] status = readFully(channel, 1, "the master's verdict", deadlineNanos);
		if (status[0] == REFUSED) {
			throw new PeerRefusedException(("The master of '%s' at %s refused this worker's secret; set the same "
					+ "globalval.tcp.secret in every process").formatted(this.appName, address));
		}
		if (status[0] != ADMITTED) {
			throw new PeerRefusedException("The process at %s answered the handshake with 0x%02x, not a verdict"
				.formatted(address, status[0]));
		}
		byte[] proof = readFully(channel, MAC_BYTES, "the master's proof", deadlineNanos);
		if (!MessageDigest.isEqual(proof, mac(MASTER_LABEL, masterNonce, workerNonce))) {
			throw new PeerRefusedException(("The process at %s did not prove that it knows globalval.tcp.secret, so "
					+ "it is not the master of '%s' (or its secret differs); not sending it anything")
				.formatted(address, this.appName));
		}
	}

	private byte[] nonce() {
		byte[] nonce = new byte[NONCE_BYTES];
		this.random.nextBytes(nonce);
		return nonce;
	}

	private byte[] mac(byte[] label, byte[] masterNonce, byte[] workerNonce) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.key);
			mac.update(label);
			mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(0, this.appNameBytes.length));
			mac.update(this.appNameBytes);
			mac.update(masterNonce);
			mac.update(workerNonce);
			return mac.doFinal();
		}
		catch (GeneralSecurityException ex) {
			// every Java platform must provide HmacSHA256
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	private static void write(SocketChannel channel, byte[] bytes) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	private long deadline() {
		return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.timeoutMillis);
	}

	/**
	 * Read exactly {@code length} bytes by a deadline: through the channel's socket
	 * adaptor, whose reads honour {@link Socket#setSoTimeout(int)}, unlike the channel's
	 * own. Each read may wait only for what is left until the deadline, so a peer that
	 * sends a byte now and then does not extend it.
	 * @throws EOFException if the peer closed the connection first
	 * @throws SocketTimeoutException if the deadline passed first
	 */
	private byte[] readFully(SocketChannel channel, int length, String what, long deadlineNanos) throws IOException {
		Socket socket = channel.socket();
		byte[] bytes = new byte[length];
		int read = 0;
		try {
			InputStream in = socket.getInputStream();
			while (read < length) {
				long leftNanos = deadlineNanos - System.nanoTime();
				if (leftNanos <= 0) {
					throw new SocketTimeoutException();
				}
				// at least 1: a timeout of 0 would mean no timeout at all
				socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNanos)));
				int count = in.read(bytes, read, length - read);
				if (count < 0) {
					throw new EOFException("closed the connection during the handshake (%d of %d bytes of %s)"
						.formatted(read, length, what));
				}
				read += count;
			}
		}
		catch (SocketTimeoutException ex) {
			throw new SocketTimeoutException("did not complete the handshake within %d ms (had %d of %d bytes of %s)"
				.formatted(this.timeoutMillis, read, length, what));
		}
		finally {
			socket.setSoTimeout(0);
		}
		return bytes;
	}

	private static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		ByteBuffer buffer = ByteBuffer.allocate(length);
		for (byte[] part : parts) {
			buffer.put(part);
		}
		return buffer.array();
	}

	private static String hex(byte[] bytes, int length) {
		return "0x" + HexFormat.of().formatHex(bytes, 0, Math.min(length, bytes.length));
	}

}
