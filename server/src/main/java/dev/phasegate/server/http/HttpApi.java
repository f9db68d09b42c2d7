package dev.phasegate.server.http;

import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.config.Limits;
import dev.phasegate.server.limit.RateLimiter;
import dev.phasegate.server.limit.RequestLimits;
import dev.phasegate.server.limit.TrustedProxies;
import dev.phasegate.server.token.Permission;
import dev.phasegate.server.token.TokenService;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.javalin.security.RouteRole;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

/**
 * The Javalin server with authentication, body limits and problem answers installed. Feature packages
 * add their routes with {@link #app()} and read bodies with {@link #body}.
 */
public final class HttpApi {

    /** The principal of the current request, set by authentication. */
    public static final String PRINCIPAL = "phasegate.principal";

    /** Set by {@link #keepProtocolErrorBody}. */
    static final String PROTOCOL_ERROR_BODY = "phasegate.protocolErrorBody";

    private final Javalin app;
    /** The defaults on the system clock until {@link #limit} sets the node's. */
    private volatile RequestLimits limits = RequestLimits.of(Limits.DEFAULTS, java.time.Clock.systemUTC());
    private volatile TrustedProxies proxies = TrustedProxies.NONE;
    private final long maxBodyBytes;
    /** No sessions until {@link #acceptSessions}: tokens only. */
    private volatile SessionAuthenticator sessions = ctx -> java.util.Optional.empty();

    /**
     * Connections the kernel queues before Jetty accepts them. The JDK's default of 50 resets connections
     * in a burst (1,000 users enrolling at once is a product launch, not an attack); the kernel caps it at
     * net.core.somaxconn.
     */
    static final int ACCEPT_QUEUE = 4096;

    /**
     * How long a keep-alive connection may sit idle before the server closes it. Longer than clients keep idle
     * connections (the JDK's HttpClient, and so the SDK, 30 s; Jetty's own default is also 30 s): the client
     * closes first. When the server closed at the same moment, a client reusing the connection lost the
     * request ("header parser received no bytes": 4 of 1.4 million evaluations in the cluster soak, 0 after
     * this), and a POST is not retried. One such error seen since, on a CPU-starved node, has another cause
     * not found yet (bench/README.md). Streams are unaffected: they carry a comment every 15 s.
     */
    static final java.time.Duration IDLE_TIMEOUT = java.time.Duration.ofMinutes(2);

    public HttpApi(TokenService tokens, long maxBodyBytes, String host, int port) {
        this.maxBodyBytes = maxBodyBytes;
        this.app = Javalin.create(config -> {
            config.jetty.addConnector((server, httpConfiguration) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration));
                connector.setHost(host);
                connector.setPort(port);
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
                connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                return connector;
            });
            config.showJavalinBanner = false;
            config.useVirtualThreads = true;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, true));
            config.http.maxRequestSize = maxBodyBytes;
            config.http.defaultContentType = "application/json";
            config.jetty.modifyServer(server -> server.setErrorHandler(new JettyProblems()));
            config.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new JettyProblems()));
        });
        ProblemResponses.install(app);
        app.before(ctx -> {
            secure(ctx);
            ctx.header("Cache-Control", "no-store");
            long length = ctx.req().getContentLengthLong();
            if (length > maxBodyBytes) {
                throw new PhasegateException.TooLarge(new Problem("", "the body is " + length + " bytes; at most " + maxBodyBytes + " are accepted"));
            }
        });
        app.beforeMatched(ctx -> authorize(ctx, tokens));
    }

    /**
     * Headers on every answer, set before the handler so errors carry them too. The policy for JSON and
     * text answers loads nothing and may not be framed; HTML pages (UI, Swagger UI) replace it with their
     * own, which allows their scripts from this origin only ({@code script-src 'self'}, no inline script).
     */
    static void secure(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", API_CONTENT_SECURITY_POLICY);
    }

    /** For answers that are not pages: nothing may load from them and nothing may frame them. */
    public static final String API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

    /** Applies the node's request limits, read through {@code clock}. */
    public void limit(Limits newLimits, java.time.Clock clock) {
        this.limits = RequestLimits.of(newLimits, clock);
        this.proxies = newLimits.trustedProxies();
    }

    /**
     * The client's address for per-address limits: the connection's peer, or, when the peer is a trusted proxy
     * ({@code trustedProxies}), the client it names in {@code X-Forwarded-For}.
     */
    public String clientAddress(Context ctx) {
        if (proxies.none()) {
            return ctx.ip();
        }
        var headers = ctx.req().getHeaders("X-Forwarded-For");
        List<String> forwarded = headers == null ? List.of() : java.util.Collections.list(headers);
        return proxies.clientAddress(ctx.ip(), forwarded.isEmpty() ? null : String.join(",", forwarded));
    }

    /** The node's request limiters (OFREP answers its own 429 body; sign-in counts failures). */
    public RequestLimits limits() {
        return limits;
    }

    /** 429 with Retry-After when the caller is over the telemetry ingest limit; else counts the request. */
    public void limitIngest(Context ctx) {
        refuseIfLimited(limits.ingest().delayFor(callerKey(ctx)), "telemetry batches");
    }

    /** 429 with Retry-After when the caller is over the evaluation limit; else counts the request. */
    public void limitEvaluation(Context ctx) {
        refuseIfLimited(limits.evaluation().delayFor(callerKey(ctx)), "evaluations");
    }

    /** Throws 429 for a positive delay, naming what was limited and when to retry. */
    public static void refuseIfLimited(long delayNanos, String what) {
        if (delayNanos > 0) {
            long seconds = RateLimiter.retryAfterSeconds(delayNanos);
            throw new PhasegateException.TooManyRequests("this caller has sent more " + what + " than its limit allows; retry after "
                    + seconds + " s", seconds);
        }
    }

    /** Whom a limit counts: the token (or signed-in person), else the client's address. */
    public String callerKey(Context ctx) {
        TokenService.Principal principal = principal(ctx);
        return principal != null ? principal.tokenId() : "address:" + clientAddress(ctx);
    }

    /**
     * Lets people's session cookies stand in for a token on every route (with the role's permissions); a
     * presented token still wins, so machines are unaffected.
     */
    public void acceptSessions(SessionAuthenticator authenticator) {
        this.sessions = authenticator;
    }

    private void authorize(Context ctx, TokenService tokens) {
        Set<RouteRole> roles = ctx.routeRoles();
        if (roles.isEmpty()) {
            return; // public route (health)
        }
        String secret = presentedToken(ctx);
        TokenService.Principal principal;
        if (secret != null) {
            principal = tokens.authenticate(secret)
                    .orElseThrow(() -> new PhasegateException.Unauthenticated("the token is unknown or revoked"));
        } else {
            principal = sessions.authenticate(ctx).orElseThrow(() -> new PhasegateException.Unauthenticated(
                    "this route needs a token: send 'Authorization: Bearer <token>' (or sign in to the web UI)"));
        }
        for (RouteRole role : roles) {
            if (role instanceof Permission p && !principal.may(p)) {
                throw new PhasegateException.Forbidden(principal.describe() + " may not "
                        + ctx.method() + " " + ctx.path() + " (it needs permission " + p.name().toLowerCase() + ")");
            }
        }
        ctx.attribute(PRINCIPAL, principal);
    }

    private static String presentedToken(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        return ctx.header("X-API-Key");
    }

    public Javalin app() {
        return app;
    }

    /**
     * A route as registered: the HTTP method, the path template ({@code /api/v1/rollouts/{key}}) and the
     * permission it needs, or null for a public route.
     */
    public record Route(String method, String path, Permission permission) {
    }

    /**
     * Every HTTP route registered so far, read from Javalin's router (before/after filters left out): what
     * the OpenAPI document is checked against.
     */
    public java.util.List<Route> routes() {
        return app.unsafeConfig().pvt.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.getEndpoint())
                .filter(e -> e.getMethod().isHttpMethod())
                .map(e -> new Route(e.getMethod().name(), e.getPath(), e.getRoles().stream()
                        .filter(Permission.class::isInstance).map(Permission.class::cast).findFirst().orElse(null)))
                .toList();
    }

    /**
     * Keeps the error body a handler on an {@code /ofrep/} path has written, instead of the problem document
     * the server otherwise writes for a 404: the OpenFeature Remote Evaluation Protocol defines its own body
     * for that status (flagNotFound), and its clients read it.
     */
    public static void keepProtocolErrorBody(Context ctx) {
        ctx.attribute(PROTOCOL_ERROR_BODY, Boolean.TRUE);
    }

    /** The caller of the current request (set for every authenticated route). */
    public static TokenService.Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    /** The request body, refusing more than the configured limit even without a Content-Length. */
    public byte[] body(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (bytes.length > maxBodyBytes) {
                throw new PhasegateException.TooLarge(new Problem("", "the body is larger than " + maxBodyBytes + " bytes"));
            }
            return bytes;
        } catch (IOException e) {
            throw new PhasegateException.Malformed("the request body could not be read: " + e.getMessage(), java.util.List.of());
        }
    }

    /** Reads the body as JSON into {@code type}. */
    public <T> T json(Context ctx, Class<T> type) {
        return Json.read(body(ctx), type, false);
    }

    /** Reads an optional JSON body: an empty body gives {@code empty}. */
    public <T> T jsonOr(Context ctx, Class<T> type, T empty) {
        byte[] bytes = body(ctx);
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return empty;
        }
        return Json.read(bytes, type, false);
    }

    /** An integer query parameter within bounds, or the default; a bad value names the parameter. */
    public static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw new PhasegateException.Invalid(new Problem(name, "must be between " + min + " and " + max + ", was " + value));
            }
            return value;
        } catch (NumberFormatException e) {
            throw new PhasegateException.Invalid(new Problem(name, "must be a whole number"));
        }
    }

    /** An optional long query parameter (cursors). */
    public static Long longParam(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new PhasegateException.Invalid(new Problem(name, "must be a whole number"));
        }
    }

    public void start() {
        app.start();
    }

    public int port() {
        return app.port();
    }

    public void stop() {
        app.stop();
    }
}
