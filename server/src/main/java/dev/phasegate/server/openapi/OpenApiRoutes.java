package dev.phasegate.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.http.Json;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /openapi.json} (the document, public), {@code GET /api/docs} (Swagger UI) and
 * {@code GET /api/docs/{asset}} (its scripts, style sheets and icons, from the WebJar).
 *
 * <pre>{@code
 * OpenApiRoutes.register(http);
 * // curl http://localhost:8080/openapi.json | jq '.paths | keys'
 * }</pre>
 */
public final class OpenApiRoutes {

    /** The document as written; YAML reads and diffs better than JSON for a file people edit. */
    static final String DOCUMENT = "/openapi/openapi.yaml";
    private static final String PAGE = "/openapi/docs/index.html";
    private static final String SWAGGER_UI = "/META-INF/resources/webjars/swagger-ui/5.34.1/";

    /**
     * What {@code /api/docs/{asset}} serves: a fixed list, so the route never reads another classpath
     * resource. The initializer is ours (a file, not an inline script, so the page works under a CSP without
     * 'unsafe-inline' for scripts); the rest is the WebJar's.
     */
    private static final Map<String, Asset> ASSETS = Map.of(
            "phasegate-swagger-init.js", new Asset("/openapi/docs/phasegate-swagger-init.js", "text/javascript; charset=utf-8"),
            "swagger-ui.css", new Asset(SWAGGER_UI + "swagger-ui.css", "text/css; charset=utf-8"),
            "index.css", new Asset(SWAGGER_UI + "index.css", "text/css; charset=utf-8"),
            "swagger-ui-bundle.js", new Asset(SWAGGER_UI + "swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
            "swagger-ui-standalone-preset.js", new Asset(SWAGGER_UI + "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8"),
            "favicon-32x32.png", new Asset(SWAGGER_UI + "favicon-32x32.png", "image/png"),
            "favicon-16x16.png", new Asset(SWAGGER_UI + "favicon-16x16.png", "image/png"));

    /**
     * Swagger UI sets inline styles from its scripts, so styles need 'unsafe-inline'; scripts come only from
     * this server, and the page fetches only from it (the document, and "Try it out" calls).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private record Asset(String resource, String contentType) {
    }

    private OpenApiRoutes() {
    }

    /** Registers the three routes; reads the document now, so a broken document fails the start, not a request. */
    public static void register(HttpApi http) {
        byte[] document = Json.write(document()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] page = resource(PAGE);
        Map<String, byte[]> loaded = new ConcurrentHashMap<>();
        var app = http.app();
        app.get("/openapi.json", ctx -> ctx.contentType("application/json").result(document));
        app.get("/api/docs", ctx -> {
            ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            ctx.contentType("text/html; charset=utf-8").result(page);
        });
        app.get("/api/docs/{asset}", ctx -> asset(ctx, loaded));
    }

    /** The document as a JSON tree. */
    public static JsonNode document() {
        try {
            return Json.YAML.readTree(resource(DOCUMENT));
        } catch (IOException e) {
            throw new UncheckedIOException("the OpenAPI document " + DOCUMENT + " is not valid YAML", e);
        }
    }

    private static void asset(Context ctx, Map<String, byte[]> loaded) {
        Asset asset = ASSETS.get(ctx.pathParam("asset"));
        if (asset == null) {
            throw new dev.phasegate.server.PhasegateException.NotFound("no Swagger UI asset '"
                    + dev.phasegate.core.plan.Identifiers.printable(ctx.pathParam("asset")) + "'");
        }
        // Read once (the bundle is 1.7 MB): the assets are in this jar and change only with it.
        byte[] bytes = loaded.computeIfAbsent(asset.resource(), OpenApiRoutes::resource);
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.contentType(asset.contentType()).result(bytes);
    }

    private static byte[] resource(String name) {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }
}
