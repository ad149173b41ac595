package io.globalval.core;

/**
 * What the master knows of one connected worker.
 *
 * @param nodeId the id the master gave it
 * @param name its readable name
 * @param pid its process id
 * @param revision the last revision it reported
 * @param revisionsBehind how many revisions it was behind the master at its last report
 * @param lagNanos how long its last probe took to come back, in nanoseconds
 */
public record WorkerStatus(long nodeId, String name, long pid, long revision, long revisionsBehind, long lagNanos) {
}
