package dev.phasegate.server.alert;

import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.token.Permission;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes for alerts and silences: {@code GET /api/v1/alerts}, {@code GET /api/v1/alerts/{id}},
 * {@code POST /api/v1/alerts/{id}/ack}, {@code GET|POST /api/v1/silences}, {@code POST /api/v1/silences/{id}/expire}.
 */
public final class AlertRoutes {

    /** The optional body of an acknowledgement. */
    record AckRequest(String comment) {
        static final AckRequest NONE = new AckRequest(null);
    }

    private AlertRoutes() {
    }

    public static void register(HttpApi http, AlertBook alerts) {
        var app = http.app();
        app.get("/api/v1/alerts", ctx -> {
            int limit = HttpApi.intParam(ctx, "limit", 100, 1, 1000);
            AlertQuery query = new AlertQuery(
                    enumParam(ctx, "state", AlertState.byWire(param(ctx, "state")).orElse(null), "pending, firing or resolved"),
                    param(ctx, "rollout"),
                    enumParam(ctx, "severity", Severity.byWire(param(ctx, "severity")).orElse(null), "warning or critical"),
                    booleanParam(ctx, "silenced"), instantParam(ctx, "since"), HttpApi.longParam(ctx, "before"), limit);
            List<Alert> items = alerts.list(query);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", items);
            body.put("next", items.size() == limit ? String.valueOf(items.get(items.size() - 1).id()) : null);
            ctx.json(body);
        }, Permission.READ);
        app.get("/api/v1/alerts/{id}", ctx -> {
            long id = id(ctx, "alert");
            ctx.json(alerts.get(id).orElseThrow(() -> new PhasegateException.NotFound("no alert " + id)));
        }, Permission.READ);
        app.post("/api/v1/alerts/{id}/ack", ctx -> {
            long id = id(ctx, "alert");
            AckRequest request = http.jsonOr(ctx, AckRequest.class, AckRequest.NONE);
            ctx.json(alerts.acknowledge(id, HttpApi.principal(ctx).actor(), request.comment()));
        }, Permission.OPERATE);
        app.get("/api/v1/silences", ctx -> {
            Boolean expired = booleanParam(ctx, "expired");
            ctx.json(Map.of("items", alerts.silences(Boolean.TRUE.equals(expired))));
        }, Permission.READ);
        app.post("/api/v1/silences", ctx -> {
            SilenceRequest request = http.json(ctx, SilenceRequest.class);
            ctx.status(201).json(alerts.silence(request, HttpApi.principal(ctx).actor()));
        }, Permission.OPERATE);
        app.post("/api/v1/silences/{id}/expire", ctx -> {
            long id = id(ctx, "silence");
            ctx.json(alerts.expire(id, HttpApi.principal(ctx).actor()));
        }, Permission.OPERATE);
    }

    /** A path id; anything but a positive number names nothing that exists. */
    private static long id(Context ctx, String what) {
        String raw = ctx.pathParam("id");
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // fall through: not an id
        }
        throw new PhasegateException.NotFound("no " + what + " '" + (raw.length() > 40 ? raw.substring(0, 40) + "…" : raw) + "'");
    }

    private static String param(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        return raw == null || raw.isEmpty() ? null : raw;
    }

    private static <T> T enumParam(Context ctx, String name, T parsed, String expected) {
        if (param(ctx, name) != null && parsed == null) {
            throw new PhasegateException.Invalid(new Problem(name, "must be " + expected));
        }
        return parsed;
    }

    private static Boolean booleanParam(Context ctx, String name) {
        String raw = param(ctx, name);
        if (raw == null) {
            return null;
        }
        return switch (raw) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new PhasegateException.Invalid(new Problem(name, "must be true or false"));
        };
    }

    private static Instant instantParam(Context ctx, String name) {
        String raw = param(ctx, name);
        if (raw == null) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw new PhasegateException.Invalid(new Problem(name, "must be an ISO-8601 instant such as 2025-06-01T12:00:00Z"));
        }
    }
}
