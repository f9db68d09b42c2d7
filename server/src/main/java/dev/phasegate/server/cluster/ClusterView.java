package dev.phasegate.server.cluster;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/v1/cluster} answers: the node that answers, the leader as stored (its node id, the
 * epoch it leads with and since when), and every node seen within the last hour.
 *
 * @param node    the id of the node answering
 * @param leading whether the answering node leads now
 * @param leader  the node that last took the lead, or null before any did
 * @param store   {@code embedded} (one node, always leader) or {@code postgresql}
 */
public record ClusterView(String node, boolean leading, String leader, long epoch, Instant since, String store, List<Node> nodes) {

    /**
     * @param alive whether its last heartbeat is within {@link Leadership#ALIVE_WITHIN}
     * @param leader whether it led at its last heartbeat
     */
    public record Node(String id, String address, Instant startedAt, Instant lastSeen, boolean alive, boolean leader) {
    }
}
