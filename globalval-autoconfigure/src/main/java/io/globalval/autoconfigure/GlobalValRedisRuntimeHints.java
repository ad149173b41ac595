package io.globalval.autoconfigure;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * {@link RuntimeHintsRegistrar} for the Redis transport: the Lua scripts that
 * {@code io.globalval.transport.redis} reads from the class path when the transport
 * starts, which a native image leaves out unless told.
 */
class GlobalValRedisRuntimeHints implements RuntimeHintsRegistrar {

	/** Where the scripts are, next to the class that loads them. */
	static final String SCRIPTS = "io/globalval/transport/redis/*.lua";

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		hints.resources().registerPattern(SCRIPTS);
	}

}
