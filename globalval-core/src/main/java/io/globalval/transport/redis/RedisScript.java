package io.globalval.transport.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script of this package, read from the class path, with its SHA-1 digest for
 * {@code EVALSHA}.
 */
final class RedisScript {

	static final RedisScript WRITE = load("write.lua");

	static final RedisScript SNAPSHOT = load("snapshot.lua");

	static final RedisScript STATUS = load("status.lua");

	final String name;

	final byte[] source;

	final String sha;

	private RedisScript(String name, byte[] source) {
		this.name = name;
		this.source = source;
		try {
			this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available, but every Java runtime has it", ex);
		}
	}

	private static RedisScript load(String name) {
		try (InputStream in = RedisScript.class.getResourceAsStream(name)) {
			if (in == null) {
				throw new IllegalStateException("Script " + name + " is missing from the class path next to "
						+ RedisScript.class.getName() + "; the globalval jar is incomplete");
			}
			return new RedisScript(name, in.readAllBytes());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read script " + name, ex);
		}
	}

	@Override
	public String toString() {
		return this.name + " (" + this.sha + ", " + new String(this.source, StandardCharsets.UTF_8).length()
				+ " characters)";
	}

}
