package dev.phasegate.server.runbook;

import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.guardian.Guardian;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.rollout.RolloutRoutes;
import dev.phasegate.server.rollout.RolloutService;
import dev.phasegate.server.token.Permission;

import java.util.Map;

/**
 * Emergency rollback by a person, and what rollbacks and the guardian did:
 * {@code POST /api/v1/rollouts/{key}/rollback} {@code {"reason", "severity", "all"}} → 202 with the run
 * (200 when it joined the one already running), {@code GET /api/v1/rollouts/{key}/rollbacks},
 * {@code GET /api/v1/rollbacks/{id}}, {@code GET /api/v1/rollouts/{key}/guardian}.
 */
public final class RollbackRoutes {

    /** The body of an emergency rollback. {@code all}: every feature off, whatever the plan's disable mode. */
    record RollbackBody(String reason, String severity, Boolean all) {
    }

    private RollbackRoutes() {
    }

    public static void register(HttpApi http, Runbooks runbooks, RolloutService rollouts, Guardian guardian) {
        http.app().post("/api/v1/rollouts/{key}/rollback", ctx -> {
            String key = RolloutRoutes.key(ctx);
            RollbackBody body = http.jsonOr(ctx, RollbackBody.class, new RollbackBody(null, null, null));
            rollouts.get(key);
            Runbooks.Started started = runbooks.start(new RollbackRequest(key, body.reason(),
                    body.severity() == null ? "sev2" : body.severity(), Boolean.TRUE.equals(body.all()),
                    RollbackRequest.BY_PERSON, HttpApi.principal(ctx).actor(), null, null,
                    Map.of("requestedBy", HttpApi.principal(ctx).actor().display(), "reason", String.valueOf(body.reason()))));
            ctx.status(started.joined() ? 200 : 202).json(Map.of("joined", started.joined(), "run", started.run()));
        }, Permission.OPERATE);
        http.app().get("/api/v1/rollouts/{key}/rollbacks", ctx -> {
            String key = RolloutRoutes.key(ctx);
            rollouts.get(key);
            ctx.json(Map.of("items", runbooks.list(key, HttpApi.intParam(ctx, "limit", 20, 1, 200))));
        }, Permission.READ);
        http.app().get("/api/v1/rollbacks/{id}", ctx -> {
            long id = id(ctx.pathParam("id"));
            ctx.json(runbooks.get(id).orElseThrow(() -> new PhasegateException.NotFound("no rollback run " + id)));
        }, Permission.READ);
        http.app().get("/api/v1/rollouts/{key}/guardian", ctx -> {
            String key = RolloutRoutes.key(ctx);
            rollouts.get(key);
            ctx.json(Map.of("items", guardian.decisions(key, HttpApi.intParam(ctx, "limit", 100, 1, 1000))));
        }, Permission.READ);
    }

    private static long id(String raw) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new PhasegateException.NotFound("no rollback run '" + raw + "'");
        }
    }
}
