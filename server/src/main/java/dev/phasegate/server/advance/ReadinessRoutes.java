package dev.phasegate.server.advance;

import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.rollout.RolloutRoutes;
import dev.phasegate.server.token.Permission;

/** {@code GET /api/v1/rollouts/{key}/readiness}: each advance criterion of the current phase, met or not, with its value. */
public final class ReadinessRoutes {

    private ReadinessRoutes() {
    }

    public static void register(HttpApi http, Readiness readiness) {
        http.app().get("/api/v1/rollouts/{key}/readiness", ctx -> ctx.json(readiness.of(RolloutRoutes.key(ctx))), Permission.READ);
    }
}
