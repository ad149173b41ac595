package io.globalval.transport.uds;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.globalval.protocol.ErrorCode;
import io.globalval.protocol.FrameCodec;
import io.globalval.protocol.Message;
import io.globalval.transport.channel.PeerAdmission;
import io.globalval.transport.channel.PeerRefusedException;

/**
 * Admits only peers that run as the master's own user, by the credentials the kernel
 * attaches to a Unix-socket connection ({@code SO_PEERCRED}). This backs up the
 * permissions of the socket directory (0700) and socket (0600): should they be opened by
 * mistake, another user still cannot join. One {@code getsockopt} per connection. Where
 * the platform does not offer peer credentials, the file permissions alone decide.
 */
final class PeerCredentials implements PeerAdmission {

	private static final Logger logger = LoggerFactory.getLogger(PeerCredentials.class);

	private final String appName;

	private final UserPrincipal owner;

	private PeerCredentials(String appName, UserPrincipal owner) {
		this.appName = appName;
		this.owner = owner;
	}

	/**
	 * Create the check for a socket the master just bound: its owner is the user this
	 * process runs as (the effective user, whatever {@code user.name} says).
	 * @param appName the application name, for messages
	 * @param socket the bound socket file
	 * @return the check
	 * @throws IOException if the socket's owner cannot be read
	 */
	static PeerCredentials forSocket(String appName, Path socket) throws IOException {
		return new PeerCredentials(appName, Files.getOwner(socket));
	}

	@Override
	public void admit(SocketChannel channel) throws IOException {
		if (!channel.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
			logger.debug("Peer credentials are not available on this platform; the socket's permissions decide");
			return;
		}
		UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
		if (!this.owner.equals(peer.user())) {
			String message = ("Connection from user '%s' (group '%s') refused: the master of '%s' runs as '%s' and "
					+ "admits only that user; run every process of the application as the same user")
				.formatted(peer.user().getName(), peer.group().getName(), this.appName, this.owner.getName());
			throw new PeerRefusedException(message,
					FrameCodec.encode(new Message.Failure(0, ErrorCode.UNAUTHORIZED, message)));
		}
	}

}
