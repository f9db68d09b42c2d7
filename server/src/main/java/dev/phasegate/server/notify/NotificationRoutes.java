package dev.phasegate.server.notify;

import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.token.Permission;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/notifications?rollout=&status=&kind=&incident=&limit=&before=} (newest first),
 * {@code GET /api/v1/notifications/{id}} (with its delivery log) and
 * {@code GET /api/v1/notifications/signing-key} (admin: the webhook signing key).
 */
public final class NotificationRoutes {

    private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");

    private NotificationRoutes() {
    }

    public static void register(HttpApi http, Database db, Outbox outbox, SigningKey key) {
        // Before /{id}, which would otherwise take "signing-key" for an id.
        http.app().get("/api/v1/notifications/signing-key", ctx -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("algorithm", "HMAC-SHA256");
            body.put("secret", key.secret());
            body.put("source", key.configured() ? "setting webhookSecret" : "generated and stored");
            body.put("signs", "\"<X-Phasegate-Timestamp>.<body>\" with the UTF-8 bytes of secret; header X-Phasegate-Signature: sha256=<hex>");
            ctx.json(body);
        }, Permission.ADMINISTER);

        http.app().get("/api/v1/notifications", ctx -> {
            String rollout = ctx.queryParam("rollout");
            if (rollout != null) {
                Identifiers.keyProblem(rollout).ifPresent(p -> {
                    throw new PhasegateException.Invalid(new Problem("rollout", p));
                });
            }
            MessageStatus status = null;
            String rawStatus = ctx.queryParam("status");
            if (rawStatus != null && !rawStatus.isEmpty()) {
                status = MessageStatus.byApiName(rawStatus).orElseThrow(() -> new PhasegateException.Invalid(new Problem("status",
                        "'" + Identifiers.printable(rawStatus) + "' is not one of: "
                                + String.join(", ", Arrays.stream(MessageStatus.values()).map(MessageStatus::apiName).toList()))));
            }
            String kind = ctx.queryParam("kind");
            if (kind != null && !KIND.matcher(kind).matches()) {
                throw new PhasegateException.Invalid(new Problem("kind", "'" + Identifiers.printable(kind)
                        + "' is not a notification kind (e.g. user.enrolled, contact.rollback-started)"));
            }
            Long incident = HttpApi.longParam(ctx, "incident");
            int limit = HttpApi.intParam(ctx, "limit", 100, 1, 1000);
            Long before = HttpApi.longParam(ctx, "before");
            Outbox.Filter filter = new Outbox.Filter(rollout, incident, status, kind, before, limit);
            List<Outbox.StoredMessage> items = db.withHandle(h -> outbox.list(h, filter));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("items", items);
            body.put("next", items.size() == limit ? String.valueOf(items.get(items.size() - 1).id()) : null);
            ctx.json(body);
        }, Permission.READ);

        http.app().get("/api/v1/notifications/{id}", ctx -> {
            long id;
            try {
                id = Long.parseLong(ctx.pathParam("id"));
            } catch (NumberFormatException e) {
                throw new PhasegateException.Invalid(new Problem("id", "must be a whole number (a notification id)"));
            }
            ctx.json(db.withHandle(h -> outbox.find(h, id))
                    .orElseThrow(() -> new PhasegateException.NotFound("no notification " + id)));
        }, Permission.READ);
    }
}
