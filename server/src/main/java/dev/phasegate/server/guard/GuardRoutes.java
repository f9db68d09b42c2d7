package dev.phasegate.server.guard;

import dev.phasegate.core.plan.Guard;
import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.rollout.PlanDocuments;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.StoredRollout;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.token.Permission;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The guards' answers to "how is it going, and why?":
 * {@code GET /api/v1/rollouts/{key}/guards} (each guard with its latest decision),
 * {@code GET /api/v1/rollouts/{key}/decisions?guard=&from=&to=&limit=&before=} (stored decisions, newest
 * first) and {@code GET /api/v1/decisions/{id}}.
 */
public final class GuardRoutes {

    private GuardRoutes() {
    }

    public static void register(HttpApi http, Database db, RolloutRepository rollouts, DecisionLog decisions) {
        http.app().get("/api/v1/rollouts/{key}/guards", ctx -> {
            StoredRollout stored = rollout(ctx, db, rollouts);
            List<Map<String, Object>> items = new ArrayList<>();
            List<dev.phasegate.server.rollout.PlanDocument.GuardDoc> docs = PlanDocuments.toDocument(stored.rollout().plan()).guards();
            List<Guard> guards = stored.rollout().plan().guards();
            for (int i = 0; i < guards.size(); i++) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("guard", docs.get(i));
                item.put("latest", decisions.latest(stored.rollout().key(), guards.get(i).name()).orElse(null));
                items.add(item);
            }
            ctx.json(Map.of("rollout", stored.rollout().key(), "state", stored.rollout().state().name().toLowerCase(),
                    "items", items));
        }, Permission.READ);

        http.app().get("/api/v1/rollouts/{key}/decisions", ctx -> {
            StoredRollout stored = rollout(ctx, db, rollouts);
            String guard = ctx.queryParam("guard");
            if (guard != null && stored.rollout().plan().guards().stream().noneMatch(g -> g.name().equals(guard))) {
                throw new PhasegateException.Invalid(new Problem("guard", "rollout '" + stored.rollout().key()
                        + "' has no guard '" + guard + "'"));
            }
            Instant from = instantParam(ctx, "from");
            Instant to = instantParam(ctx, "to");
            if (from != null && to != null && !from.isBefore(to)) {
                throw new PhasegateException.Invalid(new Problem("to", "must be after from (" + from + "), was " + to));
            }
            int limit = HttpApi.intParam(ctx, "limit", 100, 1, 1000);
            Long before = HttpApi.longParam(ctx, "before");
            List<GuardDecision> items = decisions.history(stored.rollout().key(), guard, from, to, before, limit);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", items);
            body.put("next", items.size() == limit ? String.valueOf(items.get(items.size() - 1).id()) : null);
            ctx.json(body);
        }, Permission.READ);

        http.app().get("/api/v1/decisions/{id}", ctx -> {
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw new PhasegateException.NotFound("no decision '" + ctx.pathParam("id") + "'");
            }
            ctx.json(decisions.find(id).orElseThrow(() -> new PhasegateException.NotFound("no decision " + id)));
        }, Permission.READ);
    }

    private static StoredRollout rollout(Context ctx, Database db, RolloutRepository rollouts) {
        String key = ctx.pathParam("key");
        if (Identifiers.keyProblem(key).isPresent()) {
            throw new PhasegateException.NotFound("no rollout '" + key + "'");
        }
        return db.withHandle(h -> rollouts.find(h, key))
                .orElseThrow(() -> new PhasegateException.NotFound("no rollout '" + key + "'"));
    }

    static Instant instantParam(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw new PhasegateException.Invalid(new Problem(name, "must be an ISO-8601 instant such as 2026-11-26T10:15:30Z, was '" + raw + "'"));
        }
    }
}
