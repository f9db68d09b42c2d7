package dev.phasegate.server.cluster;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A node's id, new at every start: the one name of this process in its telemetry rollups, host samples,
 * heartbeat, leadership and rules notifications.
 */
public final class NodeId {

    private NodeId() {
    }

    /** 12 hex digits: unique enough among a handful of nodes, short in every row. */
    public static String random() {
        byte[] bytes = new byte[6];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
