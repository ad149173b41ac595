package io.globalval.transport.redis;

/**
 * The Redis keys of one application. Every key starts with {@code {globalval:<name>}:},
 * a hash tag, so that in a Redis Cluster all of them live in one slot (a script may
 * only touch keys of one slot) and two applications never share a key.
 */
final class RedisKeys {

	final String prefix;

	/** String: the last revision given to a change. */
	final String revision;

	/** Hash: key to the value's JSON bytes. */
	final String values;

	/** Hash: key to the revision that wrote its value. */
	final String revisions;

	/** Stream: one entry per revision, with id {@code <revision>-0}. */
	final String changes;

	/** String: a random id of the current history, to notice one that was lost and begun again. */
	final String epoch;

	/**
	 * String: the write id ({@code <origin>:<seq>}) of the change at the last revision,
	 * which the next change names as its previous one, so that a follower notices a
	 * history that went back and forked (a failover to a lagging replica, a restart from
	 * an older file).
	 */
	final String last;

	RedisKeys(String name) {
		if (name.indexOf('{') >= 0 || name.indexOf('}') >= 0) {
			throw new IllegalArgumentException("globalval.name '" + name
					+ "' cannot contain '{' or '}' on the Redis transport, because they delimit the hash tag of "
					+ "its keys; choose another name");
		}
		this.prefix = "{globalval:" + name + "}:";
		this.revision = this.prefix + "revision";
		this.values = this.prefix + "values";
		this.revisions = this.prefix + "revisions";
		this.changes = this.prefix + "changes";
		this.epoch = this.prefix + "epoch";
		this.last = this.prefix + "last";
	}

	/**
	 * Return the key of the sorted set of one process's recent write ids.
	 * @param origin the process's node id
	 * @return the key
	 */
	String writes(long origin) {
		return this.prefix + "writes:" + origin;
	}

}
