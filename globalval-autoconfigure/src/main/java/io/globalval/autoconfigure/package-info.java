/**
 * Auto-configuration for globalval: properties, the node's lifecycle, the template and
 * the application events.
 */
package io.globalval.autoconfigure;
