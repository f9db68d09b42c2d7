package dev.phasegate.server.rollout;

import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.core.rollout.Action;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.token.Permission;
import io.javalin.http.Context;

import java.util.Map;

/** Routes for plans and transitions under {@code /api/v1/rollouts}. */
public final class RolloutRoutes {

    /** A reason is for the audit log; a paragraph is enough. */
    private static final int MAX_REASON = 1024;

    private RolloutRoutes() {
    }

    public static void register(HttpApi http, RolloutService rollouts) {
        var app = http.app();
        app.put("/api/v1/rollouts/{key}", ctx -> {
            String key = key(ctx);
            String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
            boolean yaml = type.contains("yaml");
            Plan plan = PlanDocuments.read(http.body(ctx), yaml, key);
            boolean dryRun = "true".equals(ctx.queryParam("dryRun"));
            ApplyResult result = rollouts.apply(plan, dryRun, HttpApi.principal(ctx).actor());
            ctx.status(!dryRun && result.outcome().equals("created") ? 201 : 200).json(result);
        }, Permission.OPERATE);
        app.get("/api/v1/rollouts", ctx -> ctx.json(Map.of("items", rollouts.list())), Permission.READ);
        app.get("/api/v1/rollouts/{key}", ctx -> ctx.json(rollouts.get(key(ctx))), Permission.READ);
        for (Action action : new Action[]{Action.START, Action.ADVANCE, Action.PAUSE, Action.RESUME, Action.COMPLETE}) {
            app.post("/api/v1/rollouts/{key}/" + action.apiName(), ctx -> {
                String key = key(ctx);
                TransitionRequest request = http.jsonOr(ctx, TransitionRequest.class, TransitionRequest.NONE);
                if (request.reason() != null && request.reason().length() > MAX_REASON) {
                    throw new PhasegateException.Invalid(new Problem("reason", "is longer than " + MAX_REASON + " characters"));
                }
                if (request.withdrawFeatures() != null && action != Action.PAUSE) {
                    throw new PhasegateException.Invalid(new Problem("withdrawFeatures", "applies to pause only"));
                }
                ctx.json(rollouts.transition(key, action, Boolean.TRUE.equals(request.withdrawFeatures()), request.reason(),
                        HttpApi.principal(ctx).actor()));
            }, Permission.OPERATE);
        }
    }

    /** The rollout key from the path, checked so a bad key is a 422 naming it, not a miss in the store. */
    public static String key(Context ctx) {
        String key = ctx.pathParam("key");
        Identifiers.keyProblem(key).ifPresent(p -> {
            throw new PhasegateException.Invalid(new Problem("key", p));
        });
        return key;
    }
}
