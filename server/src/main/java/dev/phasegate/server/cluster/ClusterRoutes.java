package dev.phasegate.server.cluster;

import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.token.Permission;

/** {@code GET /api/v1/cluster}: the nodes, which one leads, its epoch and the last heartbeats. */
public final class ClusterRoutes {

    private ClusterRoutes() {
    }

    public static void register(HttpApi http, Leadership leadership) {
        http.app().get("/api/v1/cluster", ctx -> ctx.json(leadership.view()), Permission.READ);
    }
}
