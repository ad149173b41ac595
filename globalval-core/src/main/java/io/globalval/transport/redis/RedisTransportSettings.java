package io.globalval.transport.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the Redis transport, beside the node's own {@link io.globalval.core.NodeSettings}.
 * Build them with {@link #builder()}.
 *
 * @param streamMaxLength about how many changes the stream keeps (trimmed with {@code MAXLEN ~},
 * so Redis may keep up to about a hundred more); a process further behind reloads a snapshot
 * @param blockTimeout how long one {@code XREAD BLOCK} waits for new changes; after a wait that
 * brought nothing, the process checks that the history it follows is still the one in Redis
 * @param writeIdRetention how long Redis keeps the write ids of a process that stopped writing
 * (the ids of a live process go as soon as it has settled them)
 * @param maxWriteIdsPerNode the most write ids Redis keeps for one process, a bound on memory
 * even if a process never settles its writes
 * @param replicasToAck how many replicas must have copied a write ({@code WAIT}) before it is
 * acknowledged; 0 acknowledges it once the primary applied it
 * @param allowEviction whether to start when Redis may evict keys ({@code maxmemory} set with a
 * {@code maxmemory-policy} other than {@code noeviction}), which would lose values silently
 */
public record RedisTransportSettings(long streamMaxLength, Duration blockTimeout, Duration writeIdRetention,
		int maxWriteIdsPerNode, int replicasToAck, boolean allowEviction) {

	/** The default of {@link #streamMaxLength()}. */
	public static final long DEFAULT_STREAM_MAX_LENGTH = 100_000;

	/**
	 * Check the settings.
	 */
	public RedisTransportSettings {
		Objects.requireNonNull(blockTimeout, "'blockTimeout' must not be null");
		Objects.requireNonNull(writeIdRetention, "'writeIdRetention' must not be null");
		if (streamMaxLength < 1) {
			throw new IllegalArgumentException(
					"globalval.redis.stream-max-length must be at least 1, was " + streamMaxLength);
		}
		if (blockTimeout.toMillis() < 1) {
			throw new IllegalArgumentException(
					"globalval.redis.block-timeout must be at least 1ms, was " + blockTimeout);
		}
		if (writeIdRetention.toMillis() < 1) {
			throw new IllegalArgumentException(
					"globalval.redis.write-id-retention must be at least 1ms, was " + writeIdRetention);
		}
		if (maxWriteIdsPerNode < 1) {
			throw new IllegalArgumentException(
					"globalval.redis.max-write-ids-per-node must be at least 1, was " + maxWriteIdsPerNode);
		}
		if (replicasToAck < 0) {
			throw new IllegalArgumentException(
					"globalval.redis.replicas-to-ack must be 0 or more, was " + replicasToAck);
		}
	}

	/**
	 * Return the default settings.
	 * @return the defaults
	 */
	public static RedisTransportSettings defaults() {
		return builder().build();
	}

	/**
	 * Return a builder with defaults.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Builds {@link RedisTransportSettings}. Every setting has a default.
	 */
	public static final class Builder {

		private long streamMaxLength = DEFAULT_STREAM_MAX_LENGTH;

		private Duration blockTimeout = Duration.ofSeconds(1);

		private Duration writeIdRetention = Duration.ofMinutes(10);

		private int maxWriteIdsPerNode = 100_000;

		private int replicasToAck;

		private boolean allowEviction;

		private Builder() {
		}

		/** @param streamMaxLength about how many changes the stream keeps @return this builder */
		public Builder streamMaxLength(long streamMaxLength) {
			this.streamMaxLength = streamMaxLength;
			return this;
		}

		/** @param blockTimeout how long one blocking read waits @return this builder */
		public Builder blockTimeout(Duration blockTimeout) {
			this.blockTimeout = blockTimeout;
			return this;
		}

		/** @param writeIdRetention how long the ids of an idle process are kept @return this builder */
		public Builder writeIdRetention(Duration writeIdRetention) {
			this.writeIdRetention = writeIdRetention;
			return this;
		}

		/** @param maxWriteIdsPerNode the most write ids kept per process @return this builder */
		public Builder maxWriteIdsPerNode(int maxWriteIdsPerNode) {
			this.maxWriteIdsPerNode = maxWriteIdsPerNode;
			return this;
		}

		/** @param replicasToAck replicas that must copy a write before it is acknowledged @return this builder */
		public Builder replicasToAck(int replicasToAck) {
			this.replicasToAck = replicasToAck;
			return this;
		}

		/** @param allowEviction whether to start on a Redis that may evict keys @return this builder */
		public Builder allowEviction(boolean allowEviction) {
			this.allowEviction = allowEviction;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 */
		public RedisTransportSettings build() {
			return new RedisTransportSettings(this.streamMaxLength, this.blockTimeout, this.writeIdRetention,
					this.maxWriteIdsPerNode, this.replicasToAck, this.allowEviction);
		}

	}

}
