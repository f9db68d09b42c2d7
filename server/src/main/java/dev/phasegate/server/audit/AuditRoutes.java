package dev.phasegate.server.audit;

import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.token.Permission;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/audit?rollout=&limit=&before=}: newest first, paged by id. */
public final class AuditRoutes {

    private AuditRoutes() {
    }

    public static void register(HttpApi http, Database db, AuditLog audit) {
        http.app().get("/api/v1/audit", ctx -> {
            String rollout = ctx.queryParam("rollout");
            if (rollout != null) {
                Identifiers.keyProblem(rollout).ifPresent(p -> {
                    throw new PhasegateException.Invalid(new Problem("rollout", p));
                });
            }
            int limit = HttpApi.intParam(ctx, "limit", 100, 1, 1000);
            Long before = HttpApi.longParam(ctx, "before");
            List<AuditEvent> items = db.withHandle(h -> audit.list(h, rollout, before, limit));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", items);
            body.put("next", items.size() == limit ? String.valueOf(items.get(items.size() - 1).id()) : null);
            ctx.json(body);
        }, Permission.READ);
    }
}
