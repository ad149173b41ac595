package io.globalval.history;

/**
 * A change and the node whose log it was first seen in.
 *
 * @param change the change
 * @param nodeId the node
 */
record SourcedChange(Change change, String nodeId) {
}
