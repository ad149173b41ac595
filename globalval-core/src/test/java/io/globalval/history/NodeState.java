package io.globalval.history;

import java.util.Map;

/**
 * A full map a node held at a revision: a snapshot it loaded or its final map.
 *
 * @param nodeId the node
 * @param revision the revision
 * @param map the keys and values
 * @param isFinal whether this is the node's final map rather than a snapshot
 */
record NodeState(String nodeId, long revision, Map<String, String> map, boolean isFinal) {

	String describe() {
		return this.nodeId + (this.isFinal ? " final map" : " snapshot") + " at revision " + this.revision;
	}

}
