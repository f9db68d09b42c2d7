package dev.phasegate.server.ui;

import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.user.SessionRoutes;
import io.javalin.http.Context;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The pages and their assets. A page is a static HTML file whose module script reads the JSON API with the
 * session cookie; without a live session it redirects to the sign-in page. Every page and asset carries a
 * Content-Security-Policy without inline script, so data shown on a page can never run as code.
 */
public final class UiRoutes {

    /**
     * No inline script or style, nothing from other origins, no framing. uPlot sizes its elements through
     * the CSSOM (element.style), which style-src does not govern.
     */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** The longest page address the sign-in page is sent back to (as {@code SessionRoutes.localTarget} accepts). */
    private static final int MAX_NEXT = 512;

    /** Page paths and the file each serves. */
    private static final Map<String, String> PAGES = Map.of(
            "/", "rollouts.html",
            "/rollouts/{key}", "rollout.html",
            "/performance", "performance.html",
            "/alerts", "alerts.html",
            "/incidents", "incidents.html",
            "/incidents/{id}", "incident.html",
            "/activity", "activity.html");

    private final Assets assets;
    private final SessionRoutes sessions;

    private UiRoutes(Assets assets, SessionRoutes sessions) {
        this.assets = assets;
        this.sessions = sessions;
    }

    public static void register(HttpApi http, SessionRoutes sessions, Assets assets) {
        UiRoutes routes = new UiRoutes(assets, sessions);
        PAGES.forEach((path, file) -> http.app().get(path, ctx -> routes.page(ctx, file)));
        http.app().get("/login", ctx -> routes.serve(ctx, assets.ours("pages/login.html")));
        http.app().get("/ui/assets/uplot/{file}", ctx -> routes.serve(ctx, assets.uplot(ctx.pathParam("file"))));
        http.app().get("/ui/assets/<path>", ctx -> routes.serve(ctx, assets.ours("assets/" + ctx.pathParam("path"))));
    }

    private void page(Context ctx, String file) {
        if (sessions.current(ctx).isEmpty()) {
            String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            secure(ctx);
            // A path too long to come back to is dropped rather than echoed: the sign-in ignores a next over 512
            // characters anyway, and a Location header over Jetty's buffer was a 500 (FuzzTest found it).
            SessionRoutes.seeOther(ctx, next.length() > MAX_NEXT ? "/login"
                    : "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
            return;
        }
        serve(ctx, assets.ours("pages/" + file));
    }

    private void serve(Context ctx, Optional<Assets.Asset> found) {
        Assets.Asset asset = found.orElseThrow(() -> new PhasegateException.NotFound("no such file: " + ctx.path()));
        secure(ctx);
        ctx.header("ETag", asset.etag());
        // Revalidate every time (a new release must reach open browsers), but a match costs no body.
        ctx.header("Cache-Control", "no-cache");
        if (asset.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(asset.contentType()).result(asset.bytes());
    }

    /** The headers every UI answer carries. */
    static void secure(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
    }
}
