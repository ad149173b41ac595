/**
 * Micrometer observations of globalval writes.
 */
package io.globalval.autoconfigure.observation;
