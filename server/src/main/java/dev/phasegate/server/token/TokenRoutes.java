package dev.phasegate.server.token;

import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;

import java.util.Map;

/** Token management under {@code /api/v1/tokens}; admin tokens only. */
public final class TokenRoutes {

    /** The body of {@code POST /api/v1/tokens}. */
    public record CreateRequest(String kind, String name) {
    }

    private TokenRoutes() {
    }

    public static void register(HttpApi http, TokenService tokens) {
        var app = http.app();
        app.post("/api/v1/tokens", ctx -> {
            CreateRequest request = http.json(ctx, CreateRequest.class);
            if (request.kind() == null) {
                throw new PhasegateException.Invalid(new Problem("kind", "is required: admin, operator, sdk or ingest"));
            }
            TokenKind kind = TokenKind.byApiName(request.kind()).orElseThrow(() -> new PhasegateException.Invalid(
                    new Problem("kind", "'" + request.kind() + "' is not one of: admin, operator, sdk, ingest")));
            ctx.status(201).json(tokens.create(kind, request.name(), HttpApi.principal(ctx).actor()));
        }, Permission.ADMINISTER);
        app.get("/api/v1/tokens", ctx -> ctx.json(Map.of("items", tokens.list())), Permission.ADMINISTER);
        app.delete("/api/v1/tokens/{id}", ctx -> ctx.json(tokens.revoke(ctx.pathParam("id"), HttpApi.principal(ctx).actor())),
                Permission.ADMINISTER);
    }
}
