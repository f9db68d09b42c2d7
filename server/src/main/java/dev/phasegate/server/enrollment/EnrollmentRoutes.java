package dev.phasegate.server.enrollment;

import dev.phasegate.core.enrollment.EnrollmentStatus;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.rollout.RolloutRoutes;
import dev.phasegate.server.token.Permission;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Routes under {@code /api/v1/rollouts/{key}/enrollments}. */
public final class EnrollmentRoutes {

    /** Page sizes: small by default for people, up to 1,000 for exports. */
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private EnrollmentRoutes() {
    }

    public static void register(HttpApi http, EnrollmentService enrollments) {
        var app = http.app();
        app.post("/api/v1/rollouts/{key}/enrollments", ctx -> {
            String key = RolloutRoutes.key(ctx);
            EnrollmentRequest request = http.json(ctx, EnrollmentRequest.class);
            boolean single = request.users() == null;
            var candidates = EnrollmentService.candidates(request);
            var result = enrollments.enroll(key, candidates, HttpApi.principal(ctx).actor());
            if (single) {
                Enrollment e = result.results().get(0);
                ctx.status(Boolean.TRUE.equals(e.created()) ? 201 : 200).json(e);
            } else {
                ctx.status(result.enrolled() + result.waitlisted() > 0 ? 201 : 200).json(result);
            }
        }, Permission.OPERATE);
        app.get("/api/v1/rollouts/{key}/enrollments", ctx -> {
            String key = RolloutRoutes.key(ctx);
            EnrollmentStatus status = null;
            String rawStatus = ctx.queryParam("status");
            if (rawStatus != null && !rawStatus.isEmpty()) {
                status = EnrollmentStatus.byApiName(rawStatus).orElseThrow(() -> new PhasegateException.Invalid(
                        new Problem("status", "'" + rawStatus + "' is not one of: enrolled, waitlisted, left")));
            }
            Integer phase = ctx.queryParam("phase") == null ? null : HttpApi.intParam(ctx, "phase", 1, 1, 1000);
            int limit = HttpApi.intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
            Long after = HttpApi.longParam(ctx, "after");
            List<Enrollment> items = enrollments.page(key, status, phase, after, limit);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", items);
            body.put("next", items.size() == limit ? String.valueOf(items.get(items.size() - 1).seq()) : null);
            ctx.json(body);
        }, Permission.READ);
        app.get("/api/v1/rollouts/{key}/enrollments/{userId}", ctx ->
                ctx.json(enrollments.get(RolloutRoutes.key(ctx), ctx.pathParam("userId"))), Permission.READ);
        app.delete("/api/v1/rollouts/{key}/enrollments/{userId}", ctx ->
                ctx.json(enrollments.leave(RolloutRoutes.key(ctx), ctx.pathParam("userId"), HttpApi.principal(ctx).actor())), Permission.OPERATE);
    }
}
