/**
 * Micrometer meters of globalval.
 */
package io.globalval.autoconfigure.metrics;
