package dev.phasegate.server.ofrep;

import dev.phasegate.core.gate.Evaluation;
import dev.phasegate.core.gate.Evaluator;
import dev.phasegate.core.gate.Reason;
import dev.phasegate.core.gate.RolloutRules;
import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.limit.RateLimit;
import dev.phasegate.server.limit.RateLimiter;
import dev.phasegate.server.sdk.PublishedRules;
import dev.phasegate.server.sdk.RulesCache;
import dev.phasegate.server.token.Permission;
import dev.phasegate.server.token.TokenService;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * The OFREP endpoints. Authentication is HttpApi's ({@code Authorization: Bearer} or {@code X-API-Key}, the
 * document's two security schemes); 401 and 403 keep the server's problem documents, since the document
 * gives those responses no body.
 *
 * <pre>{@code
 * OfrepRoutes.register(http, rules);
 * // curl -H 'Authorization: Bearer $TOKEN' -d '{"context":{"targetingKey":"user-42"}}' \
 * //      http://localhost:8080/ofrep/v1/evaluate/flags/ai-analysis
 * }</pre>
 */
public final class OfrepRoutes {

    private static final Logger log = LoggerFactory.getLogger(OfrepRoutes.class);

    static final String FLAG_PATH = "/ofrep/v1/evaluate/flags/{key}";
    static final String BULK_PATH = "/ofrep/v1/evaluate/flags";
    /** Ours: ADR-0008 leaves the stream's URL to the vendor and hands it to clients in {@code eventStreams}. */
    static final String EVENTS_PATH = "/ofrep/v1/events";
    private static final String EVENT_STREAM = "text/event-stream";
    /** What a Host header may look like to be echoed in a URL: a name or address and a port, nothing else. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:[0-9]{1,5})?");

    private final HttpApi http;
    private final RulesCache rules;
    private final RateLimiter limiter;

    private OfrepRoutes(HttpApi http, RulesCache rules, RateLimiter limiter) {
        this.http = http;
        this.rules = rules;
        this.limiter = limiter;
    }

    /**
     * Registers the endpoints with the node's evaluation limit ({@link HttpApi#limits()}): one bucket per token
     * shared with the API's feature evaluation.
     */
    public static void register(HttpApi http, RulesCache rules) {
        register(http, rules, null);
    }

    /**
     * Registers the endpoints with a rate limit per token and the clock it is measured by (tests pass a
     * small limit and a fake clock). The event streams close when the server stops.
     */
    public static void register(HttpApi http, RulesCache rules, RateLimit limit, LongSupplier nanoTime) {
        register(http, rules, new RateLimiter(limit, nanoTime));
    }

    /** {@code limiter} null: the node's evaluation limiter, read per request (the node sets it before it starts). */
    private static void register(HttpApi http, RulesCache rules, RateLimiter limiter) {
        OfrepRoutes routes = new OfrepRoutes(http, rules, limiter);
        EvaluationEvents events = new EvaluationEvents(rules);
        var app = http.app();
        app.post(FLAG_PATH, routes.guarded(routes::evaluateFlag), Permission.EVALUATE);
        app.post(BULK_PATH, routes.guarded(routes::evaluateFlags), Permission.EVALUATE);
        SseHandler stream = new SseHandler(events::connect);
        app.get(EVENTS_PATH, ctx -> {
            // Javalin streams only for exactly this Accept header and otherwise answers an empty 200, which an
            // SSE client would take for a stream that closed at once and reconnect to forever.
            if (!EVENT_STREAM.equals(ctx.header("Accept"))) {
                ctx.status(406).json(new OfrepBody.GeneralError("this is a server-sent event stream: send 'Accept: "
                        + EVENT_STREAM + "'"));
                return;
            }
            stream.handle(ctx);
        }, Permission.EVALUATE);
        app.events(on -> on.serverStopping(events::close));
    }

    /**
     * The rate limit, then the handler; an unexpected failure is answered as the document's 500
     * {@code generalErrorResponse} rather than a problem document. The server's own outcomes (a body over
     * the size limit: 413) pass through to the one place that answers them.
     */
    private Handler guarded(Handler handler) {
        return ctx -> {
            TokenService.Principal principal = HttpApi.principal(ctx);
            RateLimiter bucket = limiter != null ? limiter : http.limits().evaluation();
            long delay = principal == null ? 0 : bucket.delayFor(principal.tokenId());
            if (delay > 0) {
                // The document: 429 "Rate limit reached", with Retry-After "Indicates when to retry the
                // request again". Given as delay-seconds, one of the two forms RFC 9110 section 10.2.3 allows
                // (the document's schema example is a timestamp; seconds need no clock agreement).
                long seconds = RateLimiter.retryAfterSeconds(delay);
                ctx.header("Retry-After", String.valueOf(seconds));
                ctx.status(429).json(new OfrepBody.GeneralError("this token has made more than its limit of OFREP "
                        + "evaluations; retry after " + seconds + " s"));
                return;
            }
            try {
                handler.handle(ctx);
            } catch (PhasegateException e) {
                throw e;
            } catch (RuntimeException e) {
                log.error("OFREP evaluation failed on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(500).json(new OfrepBody.GeneralError("an unexpected error occurred; it has been logged"));
            }
        };
    }

    /** {@code POST /ofrep/v1/evaluate/flags/{key}}. */
    private void evaluateFlag(Context ctx) {
        String key = ctx.pathParam("key");
        switch (EvaluationRequest.read(http.body(ctx))) {
            // The document: 400 "Bad evaluation request", body evaluationFailure.
            case EvaluationRequest.Rejected r -> ctx.status(400).json(new OfrepBody.EvaluationFailure(key, r.errorCode(), r.details()));
            case EvaluationRequest.Valid request -> {
                Evaluator evaluator = rules.current().evaluator();
                Evaluation evaluation = evaluator.evaluate(key, request.targetingKey());
                if (evaluation.reason() == Reason.UNKNOWN_FEATURE) {
                    // The document: 404 "Flag not found", body flagNotFound with errorCode FLAG_NOT_FOUND.
                    HttpApi.keepProtocolErrorBody(ctx);
                    ctx.status(404).json(new OfrepBody.EvaluationFailure(key, OfrepErrorCode.FLAG_NOT_FOUND,
                            "no rollout has a feature '" + Identifiers.printable(key) + "'"));
                } else {
                    ctx.json(flag(evaluator, evaluation));
                }
            }
        }
    }

    /**
     * {@code POST /ofrep/v1/evaluate/flags}. The {@code flagConfigEtag} and {@code flagConfigLastModified}
     * query parameters of ADR-0008 are accepted and not needed: a change is pushed only after it is
     * published here, so a re-fetch it triggers already sees it.
     */
    private void evaluateFlags(Context ctx) {
        switch (EvaluationRequest.read(http.body(ctx))) {
            // The document: 400, body bulkEvaluationFailure.
            case EvaluationRequest.Rejected r -> ctx.status(400).json(new OfrepBody.BulkEvaluationFailure(r.errorCode(), r.details()));
            case EvaluationRequest.Valid request -> {
                PublishedRules published = rules.current();
                String etag = ContextEtag.of(published.version(), request.context());
                ctx.header("ETag", etag);
                // The document: If-None-Match, "the request will be processed only if ETag doesn't match any
                // of the values listed"; 304 "Bulk evaluation is not modified".
                if (ContextEtag.matches(ctx.header("If-None-Match"), etag)) {
                    ctx.status(304);
                    return;
                }
                Evaluator evaluator = published.evaluator();
                List<OfrepBody.FlagEvaluation> flags = new ArrayList<>();
                for (Evaluation evaluation : evaluator.evaluateAll(request.targetingKey())) {
                    flags.add(flag(evaluator, evaluation));
                }
                ctx.json(new OfrepBody.BulkEvaluation(flags, List.of(new OfrepBody.EventStream("sse", eventsUrl(ctx))),
                        Map.of("rulesVersion", published.version())));
            }
        }
    }

    private static OfrepBody.FlagEvaluation flag(Evaluator evaluator, Evaluation evaluation) {
        RolloutRules rollout = evaluator.rolloutOf(evaluation.feature());
        return new OfrepBody.FlagEvaluation(evaluation.feature(), evaluation.enabled(),
                OpenFeatureReason.of(evaluation.reason()), evaluation.enabled() ? "on" : "off",
                new OfrepBody.FlagMetadata(rollout.key(), rollout.currentPhase(), evaluation.reason().apiName()));
    }

    /**
     * The stream's URL as the client reached this server. The document's eventStream url is a URI, so
     * absolute; a Host header that is not a plain host and port is not echoed (it would be a way to point
     * clients elsewhere), and the path alone is given instead.
     */
    private static String eventsUrl(Context ctx) {
        String host = ctx.host();
        if (host == null || !HOST.matcher(host).matches()) {
            return EVENTS_PATH;
        }
        return ctx.scheme() + "://" + host + EVENTS_PATH;
    }
}
