package dev.phasegate.server.user;

import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.limit.SignInThrottle;
import dev.phasegate.server.http.SessionAuthenticator;
import dev.phasegate.server.token.Permission;
import dev.phasegate.server.token.TokenService;
import io.javalin.http.Context;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /ui/login}, {@code POST /ui/logout}, {@code GET /ui/session}, and the authenticator that lets
 * the session cookie stand in for a token on the API, with CSRF protection on every change.
 */
public final class SessionRoutes implements SessionAuthenticator {

    /** The header a page repeats its CSRF token in. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    /** The body of a JSON sign-in. */
    record Login(String name, String password) {
        @Override
        public String toString() {
            return "Login[name=" + name + "]"; // never the password
        }
    }

    private final Sessions sessions;

    private SessionRoutes(Sessions sessions) {
        this.sessions = sessions;
    }

    /** Registers the routes and makes {@code http} accept session cookies. */
    public static SessionRoutes register(HttpApi http, Sessions sessions) {
        SessionRoutes routes = new SessionRoutes(sessions);
        http.acceptSessions(routes);
        http.app().post("/ui/login", ctx -> routes.login(ctx, http));
        http.app().post("/ui/logout", routes::logout, Permission.READ);
        http.app().get("/ui/session", routes::session, Permission.READ);
        return routes;
    }

    @Override
    public Optional<TokenService.Principal> authenticate(Context ctx) {
        return current(ctx).map(session -> {
            if (!SAFE_METHODS.contains(ctx.method().name())) {
                String presented = ctx.header(CSRF_HEADER);
                if (presented == null || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                        session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
                    throw new PhasegateException.Forbidden("a change made with a session cookie needs the session's CSRF token in the "
                            + CSRF_HEADER + " header" + (presented == null ? "" : "; the one sent does not match"));
                }
            }
            return session.principal();
        });
    }

    /** The live session of the request's cookie, if any. */
    public Optional<Sessions.Session> current(Context ctx) {
        return sessions.find(ctx.cookie(Sessions.COOKIE));
    }

    private void login(Context ctx, HttpApi http) {
        refuseCrossOrigin(ctx);
        boolean form = isForm(ctx);
        String name;
        String password;
        if (form) {
            name = ctx.formParam("name");
            password = ctx.formParam("password");
        } else {
            Login login = http.json(ctx, Login.class);
            name = login.name();
            password = login.password();
        }
        // Checked before the password, so a guesser over the limit learns nothing from the answer.
        SignInThrottle throttle = http.limits().signIns();
        HttpApi.refuseIfLimited(throttle.delay(name, http.clientAddress(ctx)), "failed sign-ins");
        Optional<Sessions.Opened> opened = sessions.signIn(name, password);
        if (opened.isEmpty()) {
            throttle.failed(name, http.clientAddress(ctx));
            if (form) {
                seeOther(ctx, "/login?failed=1");
                return;
            }
            // One message for an unknown name and a wrong password: which part was wrong is not told.
            throw new PhasegateException.Unauthenticated("the name or the password is wrong");
        }
        throttle.succeeded(name);
        Sessions.Session session = opened.get().session();
        ctx.header("Set-Cookie", cookie(ctx, opened.get().id(), Sessions.ABSOLUTE.toSeconds()));
        if (form) {
            seeOther(ctx, localTarget(ctx.formParam("next")));
        } else {
            ctx.json(describe(session));
        }
    }

    private void logout(Context ctx) {
        sessions.signOut(ctx.cookie(Sessions.COOKIE));
        ctx.header("Set-Cookie", cookie(ctx, "", 0));
        ctx.status(204);
    }

    private void session(Context ctx) {
        Sessions.Session session = current(ctx).orElseThrow(() ->
                new PhasegateException.NotFound("this request is made with a token, not a signed-in session"));
        ctx.json(describe(session));
    }

    private static Map<String, Object> describe(Sessions.Session session) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", session.user());
        body.put("role", session.role().apiName());
        body.put("permissions", session.role().permissions().stream().map(p -> p.name().toLowerCase()).sorted().toList());
        body.put("csrfToken", session.csrfToken());
        body.put("signedInAt", session.createdAt());
        return body;
    }

    /**
     * HttpOnly: page scripts never see it; SameSite=Strict: no other site's page sends it; Secure when the
     * request came over https (directly or through a proxy that says so), so plain-http local use still works.
     */
    static String cookie(Context ctx, String value, long maxAgeSeconds) {
        boolean https = "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        return Sessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (https ? "; Secure" : "");
    }

    /** A sign-in posted from another site's page (login CSRF) is refused; browsers always send Origin on POST. */
    private static void refuseCrossOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        String host = ctx.header("Host");
        if (origin == null || host == null || origin.equals("null")) {
            return;
        }
        try {
            URI uri = URI.create(origin);
            String originHost = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            if (originHost == null || !originHost.equalsIgnoreCase(host)) {
                throw new PhasegateException.Forbidden("sign-in from another site's page (Origin " + origin + ") is refused");
            }
        } catch (IllegalArgumentException e) {
            throw new PhasegateException.Forbidden("the Origin header is not a URL");
        }
    }

    private static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase().startsWith("application/x-www-form-urlencoded");
    }

    /** 303 to a page, with no body (Javalin's redirect would write a text body labelled as JSON). */
    public static void seeOther(Context ctx, String location) {
        ctx.status(303).header("Location", location).contentType("text/plain").result("");
    }

    /** Only a path on this server: never an open redirect to another site. */
    static String localTarget(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\") || next.length() > 512) {
            return "/";
        }
        for (char c : next.toCharArray()) {
            if (c < 0x20 || c == 0x7f) {
                return "/";
            }
        }
        return next;
    }

}
