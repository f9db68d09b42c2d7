package dev.phasegate.server.gate;

import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.rollout.RolloutRoutes;
import dev.phasegate.server.token.Permission;

/** Feature evaluation and kill switch routes. */
public final class GateRoutes {

    private GateRoutes() {
    }

    public static void register(HttpApi http, GateService gate) {
        var app = http.app();
        app.get("/api/v1/rollouts/{key}/users/{userId}/features", ctx -> {
            http.limitEvaluation(ctx);
            ctx.json(gate.features(RolloutRoutes.key(ctx), ctx.pathParam("userId")));
        }, Permission.EVALUATE);
        app.put("/api/v1/features/{featureKey}/kill-switch", ctx -> {
            String feature = ctx.pathParam("featureKey");
            Identifiers.keyProblem(feature).ifPresent(p -> {
                throw new PhasegateException.Invalid(new Problem("featureKey", p));
            });
            KillSwitchRequest request = http.json(ctx, KillSwitchRequest.class);
            ctx.json(gate.setKillSwitch(feature, request, HttpApi.principal(ctx).actor()));
        }, Permission.OPERATE);
    }
}
