package dev.phasegate.server.incident;

import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.token.Permission;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Routes for incidents: {@code GET|POST /api/v1/incidents}, {@code GET /api/v1/incidents/{id}},
 * {@code POST /api/v1/incidents/{id}/ack|resolve|comments|assign}, {@code GET /api/v1/incidents/{id}/report}.
 */
public final class IncidentRoutes {

    static final String MARKDOWN = "text/markdown; charset=utf-8";

    record OpenBody(String rollout, String title, String severity, String summary) {
    }

    record AckBody(String note) {
        static final AckBody NONE = new AckBody(null);
    }

    record ResolveBody(String resolution) {
    }

    record CommentBody(String text) {
    }

    record AssignBody(String assignee) {
    }

    private IncidentRoutes() {
    }

    public static void register(HttpApi http, IncidentBook incidents) {
        var app = http.app();
        app.get("/api/v1/incidents", ctx -> {
            int limit = HttpApi.intParam(ctx, "limit", 100, 1, 1000);
            String state = param(ctx, "state");
            String severity = param(ctx, "severity");
            String rollout = param(ctx, "rollout");
            if (rollout != null) {
                Identifiers.keyProblem(rollout).ifPresent(p -> {
                    throw invalid("rollout", p);
                });
            }
            IncidentQuery query = new IncidentQuery(
                    state == null ? null : IncidentState.byWire(state).orElseThrow(() -> invalid("state", "must be open, acknowledged or resolved")),
                    rollout,
                    severity == null ? null : severity(severity),
                    HttpApi.longParam(ctx, "before"), limit);
            List<Incident> items = incidents.list(query);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", items);
            body.put("next", items.size() == limit ? String.valueOf(items.get(items.size() - 1).id()) : null);
            ctx.json(body);
        }, Permission.READ);
        app.post("/api/v1/incidents", ctx -> {
            OpenBody body = http.json(ctx, OpenBody.class);
            if (body.title() == null) {
                throw invalid("title", "is required");
            }
            if (body.severity() == null) {
                throw invalid("severity", "is required: sev1, sev2, sev3 or sev4");
            }
            OpenRequest request = OpenRequest.of(body.rollout(), body.title(), severity(body.severity())).withSummary(body.summary());
            IncidentBook.Opening opening = incidents.open(request, HttpApi.principal(ctx).actor());
            ctx.status(opening.created() ? 201 : 200).json(opening.incident());
        }, Permission.OPERATE);
        app.get("/api/v1/incidents/{id}", ctx -> {
            long id = id(ctx);
            ctx.json(incidents.get(id).orElseThrow(() -> IncidentBook.notFound(id)));
        }, Permission.READ);
        app.post("/api/v1/incidents/{id}/ack", ctx -> {
            long id = id(ctx);
            AckBody body = http.jsonOr(ctx, AckBody.class, AckBody.NONE);
            ctx.json(incidents.acknowledge(id, HttpApi.principal(ctx).actor(), body.note()));
        }, Permission.OPERATE);
        app.post("/api/v1/incidents/{id}/resolve", ctx -> {
            long id = id(ctx);
            ResolveBody body = http.json(ctx, ResolveBody.class);
            ctx.json(incidents.resolve(id, HttpApi.principal(ctx).actor(), body.resolution()));
        }, Permission.OPERATE);
        app.post("/api/v1/incidents/{id}/comments", ctx -> {
            long id = id(ctx);
            CommentBody body = http.json(ctx, CommentBody.class);
            ctx.status(201).json(incidents.comment(id, HttpApi.principal(ctx).actor(), body.text()));
        }, Permission.OPERATE);
        app.post("/api/v1/incidents/{id}/assign", ctx -> {
            long id = id(ctx);
            AssignBody body = http.json(ctx, AssignBody.class);
            ctx.json(incidents.assign(id, HttpApi.principal(ctx).actor(), body.assignee()));
        }, Permission.OPERATE);
        app.get("/api/v1/incidents/{id}/report", ctx -> {
            long id = id(ctx);
            boolean markdown = markdown(ctx);
            IncidentReport report = incidents.report(id);
            if (markdown) {
                ctx.contentType(MARKDOWN).result(ReportMarkdown.render(report));
            } else {
                ctx.json(report);
            }
        }, Permission.READ);
    }

    /** {@code ?format=md|markdown|json} wins; else {@code Accept: text/markdown} asks for Markdown; JSON by default. */
    private static boolean markdown(Context ctx) {
        String format = param(ctx, "format");
        if (format != null) {
            return switch (format.toLowerCase(Locale.ROOT)) {
                case "md", "markdown" -> true;
                case "json" -> false;
                default -> throw invalid("format", "must be md or json");
            };
        }
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/markdown");
    }

    private static IncidentSeverity severity(String raw) {
        return IncidentSeverity.byWire(raw).orElseThrow(() -> invalid("severity", "must be sev1, sev2, sev3 or sev4"));
    }

    /** A path id; anything but a positive number names nothing that exists. */
    private static long id(Context ctx) {
        String raw = ctx.pathParam("id");
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // fall through: not an id
        }
        throw new PhasegateException.NotFound("no incident '" + Identifiers.printable(raw) + "'");
    }

    private static String param(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        return raw == null || raw.isEmpty() ? null : raw;
    }

    private static PhasegateException.Invalid invalid(String field, String message) {
        return new PhasegateException.Invalid(new Problem(field, message));
    }
}
