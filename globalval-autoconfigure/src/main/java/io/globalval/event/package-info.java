/**
 * Application events of globalval: a value changed, the role was decided, a snapshot
 * was applied.
 */
package io.globalval.event;
