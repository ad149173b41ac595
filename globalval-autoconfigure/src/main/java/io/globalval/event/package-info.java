/**
 * Application events of globalval: a value changed, the role was decided, a snapshot
 * was applied; and {@link io.globalval.event.GlobalValListener @GlobalValListener}, which
 * listens to the changes of keys by pattern.
 */
package io.globalval.event;
