package dev.phasegate.server.sdk;

import dev.phasegate.core.gate.RulesCodec;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.EventStreams;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.token.Permission;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/sdk/rules} (snapshot, binary or JSON, with ETag), {@code GET /api/v1/sdk/stream}
 * (SSE: an event {@code rules} with the new version whenever the rules change, heartbeat comments,
 * resumption by {@code Last-Event-ID}), {@code POST /api/v1/sdk/heartbeat}, {@code GET /api/v1/sdk/instances}.
 */
public final class SdkRoutes implements AutoCloseable {

    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** The body of {@code POST /api/v1/sdk/heartbeat}. */
    public record Heartbeat(String instanceId, String sdk, Long version) {
    }

    private final EventStreams streams = new EventStreams("sdk");
    private final RulesCache rules;

    private SdkRoutes(RulesCache rules) {
        this.rules = rules;
    }

    public static SdkRoutes register(HttpApi http, RulesCache rules, SdkInstances instances) {
        SdkRoutes routes = new SdkRoutes(rules);
        var app = http.app();
        app.get("/api/v1/sdk/rules", routes::snapshot, Permission.EVALUATE);
        SseHandler stream = new SseHandler(routes::connect);
        app.get("/api/v1/sdk/stream", ctx -> {
            // Javalin streams only for this Accept header and otherwise answers an empty 200, which a client
            // would take for a stream that closed at once and reconnect to in a loop.
            if (!"text/event-stream".equals(ctx.header("Accept"))) {
                throw new PhasegateException.Invalid(new Problem("Accept", "this is a server-sent event stream: send 'Accept: text/event-stream'"));
            }
            stream.handle(ctx);
        }, Permission.EVALUATE);
        app.post("/api/v1/sdk/heartbeat", ctx -> {
            Heartbeat beat = http.json(ctx, Heartbeat.class);
            if (beat.instanceId() == null || !INSTANCE_ID.matcher(beat.instanceId()).matches()) {
                throw new PhasegateException.Invalid(new Problem("instanceId", "is required: 1–128 letters, digits, '.', '_', ':' or '-'"));
            }
            if (beat.version() == null || beat.version() < 0) {
                throw new PhasegateException.Invalid(new Problem("version", "is required: the rules version the instance has applied"));
            }
            String sdk = beat.sdk() == null ? "unknown" : beat.sdk().substring(0, Math.min(64, beat.sdk().length()));
            instances.report(beat.instanceId(), sdk, beat.version());
            ctx.status(204);
        }, Permission.EVALUATE);
        app.get("/api/v1/sdk/instances", ctx -> ctx.json(instances.summary(rules.current().version())), Permission.READ);
        rules.subscribe(instances::published);
        instances.published(rules.current());
        rules.subscribe(published -> routes.streams.broadcast(client -> send(client, published)));
        return routes;
    }

    private void snapshot(Context ctx) {
        PublishedRules current = rules.current();
        ctx.header("ETag", current.etag());
        String match = ctx.header("If-None-Match");
        if (match != null && (match.equals(current.etag()) || match.equals("W/" + current.etag()))) {
            ctx.status(304);
            return;
        }
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains(RulesCodec.MEDIA_TYPE)) {
            ctx.contentType(RulesCodec.MEDIA_TYPE).result(current.binary());
        } else {
            ctx.contentType("application/json").result(current.json());
        }
    }

    private void connect(SseClient client) {
        streams.connect(client, c -> {
            PublishedRules current = rules.current();
            long last = EventStreams.lastEventId(c.ctx());
            if (last < 0 && c.ctx().queryParam("lastEventId") != null) {
                last = parseOr(c.ctx().queryParam("lastEventId"), -1);
            }
            if (last < current.version()) {
                send(c, current);
            }
        });
    }

    private static long parseOr(String text, long fallback) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static void send(SseClient client, PublishedRules published) {
        client.sendEvent("rules", Map.of("version", published.version()), String.valueOf(published.version()));
    }

    /** Streams open now, for tests and metrics. */
    public int openStreams() {
        return streams.size();
    }

    @Override
    public void close() {
        streams.close();
    }
}
