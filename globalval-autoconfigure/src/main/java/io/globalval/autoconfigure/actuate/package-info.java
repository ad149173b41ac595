/**
 * Actuator support for globalval: the {@code globalval} endpoint and the health
 * indicator.
 */
package io.globalval.autoconfigure.actuate;
