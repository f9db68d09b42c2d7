package dev.phasegate.server.action;

import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.token.Permission;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code GET /api/v1/actions?rollout=&kind=&limit=&before=}: newest first, paged by id like the audit log. */
public final class ActionRoutes {

    /** Kinds are lowercase words joined by dots and dashes ({@code maintenance.telemetry-retention}). */
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9.-]{0,63}");

    private ActionRoutes() {
    }

    public static void register(HttpApi http, ActionLog actions) {
        http.app().get("/api/v1/actions", ctx -> {
            String rollout = param(ctx.queryParam("rollout"));
            if (rollout != null) {
                Identifiers.keyProblem(rollout).ifPresent(p -> {
                    throw new PhasegateException.Invalid(new Problem("rollout", p));
                });
            }
            String kind = param(ctx.queryParam("kind"));
            if (kind != null && !KIND.matcher(kind).matches()) {
                throw new PhasegateException.Invalid(new Problem("kind", "must be an action kind such as webhook, advance "
                        + "or maintenance.vacuum"));
            }
            int limit = HttpApi.intParam(ctx, "limit", 100, 1, 1000);
            List<ActionRecord> items = actions.list(new ActionQuery(rollout, kind, HttpApi.longParam(ctx, "before"), limit));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", items);
            body.put("next", items.size() == limit ? String.valueOf(items.get(items.size() - 1).id()) : null);
            ctx.json(body);
        }, Permission.READ);
    }

    private static String param(String raw) {
        return raw == null || raw.isEmpty() ? null : raw;
    }
}
