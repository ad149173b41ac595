package io.globalval.transport.tcp;

import java.util.Objects;

/**
 * Settings of the TCP transport, beside the node's own {@link io.globalval.core.NodeSettings}
 * (whose directory still holds the lock file and, with port 0, the port file). Build them
 * with {@link #builder()}. A secret is required: without one anyone who can reach the
 * port could read and write every value.
 *
 * @param host the address the master binds and workers connect to (loopback by default)
 * @param port the port of the master; 0 lets the master pick a free port and publish it
 * in {@link TcpTransport#portFile(io.globalval.core.NodeSettings)}, where workers read it
 * @param secret the secret every process must share, at least {@link #MIN_SECRET_LENGTH}
 * characters; never logged (see {@link #toString()})
 */
public record TcpTransportSettings(String host, int port, String secret) {

	/** The address a TCP master binds unless told otherwise: loopback only. */
	public static final String DEFAULT_HOST = "127.0.0.1";

	/** The shortest accepted secret, in characters. */
	public static final int MIN_SECRET_LENGTH = 16;

	/**
	 * Check the settings.
	 */
	public TcpTransportSettings {
		Objects.requireNonNull(host, "'host' must not be null");
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("globalval.tcp.port must be 0 (any free port) to 65535, was " + port);
		}
		if (secret == null) {
			throw new IllegalArgumentException(("globalval.transport=tcp requires globalval.tcp.secret: without it "
					+ "anyone who can reach %s could read and write every value; set the same secret of at least %d "
					+ "characters in every process").formatted(host, MIN_SECRET_LENGTH));
		}
		if (secret.length() < MIN_SECRET_LENGTH) {
			// the secret itself is never part of a message
			throw new IllegalArgumentException(("globalval.tcp.secret is %d characters, under the minimum of %d; "
					+ "use a long random one (e.g. from 'openssl rand -base64 32')")
				.formatted(secret.length(), MIN_SECRET_LENGTH));
		}
	}

	/**
	 * Describe the settings, with the secret masked.
	 * @return the description
	 */
	@Override
	public String toString() {
		return "TcpTransportSettings[host=%s, port=%d, secret=******]".formatted(this.host, this.port);
	}

	/**
	 * Return a builder with defaults: loopback, any free port, no secret yet.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds {@link TcpTransportSettings}. Every setting has a default but the secret.
	 */
	public static final class Builder {

		private String host = DEFAULT_HOST;

		private int port;

		private String secret;

		private Builder() {
		}

		/** @param host the address of the master @return this builder */
		public Builder host(String host) {
			this.host = host;
			return this;
		}

		/** @param port the port of the master, 0 for any free port @return this builder */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/** @param secret the secret shared by every process of the application @return this builder */
		public Builder secret(String secret) {
			this.secret = secret;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 * @throws IllegalArgumentException if the port is out of range or the secret is
		 * missing or too short
		 */
		public TcpTransportSettings build() {
			return new TcpTransportSettings(this.host, this.port, this.secret);
		}

	}

}
