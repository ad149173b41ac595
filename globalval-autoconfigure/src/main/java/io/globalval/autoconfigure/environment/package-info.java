/**
 * Live configuration: global values as Spring properties, rebound in every process.
 */
package io.globalval.autoconfigure.environment;
