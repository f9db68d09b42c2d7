package dev.phasegate.server.http;

import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** The one place where exceptions become HTTP answers. */
final class ProblemResponses {

    private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
    static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://phasegate.dev/problems/";

    private ProblemResponses() {
    }

    static void install(Javalin app) {
        app.exception(PhasegateException.class, (e, ctx) -> {
            int status = status(e);
            if (status == 401) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"phasegate\"");
            }
            if (e instanceof PhasegateException.TooManyRequests tooMany) {
                ctx.header("Retry-After", String.valueOf(tooMany.retryAfterSeconds()));
            }
            if (e instanceof PhasegateException.Unavailable) {
                ctx.header("Retry-After", "1");
                log.warn("store unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            }
            write(ctx, status, slug(e), title(status), e.getMessage(), e.problems());
        });
        app.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            String detail = status == 413 ? "the request body is larger than this server accepts" : e.getMessage();
            String slug = switch (status) {
                case 404 -> "not-found";
                case 405 -> "method-not-allowed";
                case 413 -> "too-large";
                default -> "http-" + status;
            };
            write(ctx, status, slug, title(status), detail, List.of());
        });
        app.exception(Exception.class, (e, ctx) -> {
            // Our bug, not the caller's: answer without internals. A store error is logged by SQLState and class
            // only, since driver messages can quote stored values; anything else is logged whole.
            java.sql.SQLException sql = null;
            for (Throwable t = e; t != null && sql == null; t = t.getCause()) {
                if (t instanceof java.sql.SQLException s) {
                    sql = s;
                }
            }
            if (sql != null) {
                log.error("unexpected store error on {} {}: SQLState {} ({})", ctx.method(), ctx.path(), sql.getSQLState(),
                        sql.getClass().getName());
            } else {
                log.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            }
            write(ctx, 500, "internal", title(500), "an unexpected error occurred; it has been logged", List.of());
        });
        app.error(404, ctx -> {
            if (!isProblem(ctx) && !isProtocolError(ctx)) {
                write(ctx, 404, "not-found", title(404), "no route " + ctx.method() + " " + ctx.path(), List.of());
            }
        });
        app.error(405, ctx -> {
            if (!isProblem(ctx)) {
                write(ctx, 405, "method-not-allowed", title(405), "method " + ctx.method() + " is not allowed on " + ctx.path(), List.of());
            }
        });
    }

    /** An OFREP answer in the protocol's own error format (see {@link HttpApi#keepProtocolErrorBody}). */
    private static boolean isProtocolError(Context ctx) {
        return ctx.path().startsWith("/ofrep/") && Boolean.TRUE.equals(ctx.attribute(HttpApi.PROTOCOL_ERROR_BODY));
    }

    private static boolean isProblem(Context ctx) {
        String type = ctx.res().getContentType();
        return type != null && type.startsWith(CONTENT_TYPE);
    }

    static void write(Context ctx, int status, String slug, String title, String detail, List<Problem> problems) {
        String field = problems.isEmpty() ? null : problems.get(0).field();
        ProblemDetail body = new ProblemDetail(TYPE_BASE + slug, title, status, detail, ctx.path(),
                field == null || field.isEmpty() ? null : field, problems);
        ctx.status(status);
        ctx.contentType(CONTENT_TYPE);
        ctx.result(Json.write(body));
    }

    private static int status(PhasegateException e) {
        if (e instanceof PhasegateException.Malformed) {
            return 400;
        }
        if (e instanceof PhasegateException.Unauthenticated) {
            return 401;
        }
        if (e instanceof PhasegateException.Forbidden) {
            return 403;
        }
        if (e instanceof PhasegateException.NotFound) {
            return 404;
        }
        if (e instanceof PhasegateException.Conflict) {
            return 409;
        }
        if (e instanceof PhasegateException.TooLarge) {
            return 413;
        }
        if (e instanceof PhasegateException.Invalid) {
            return 422;
        }
        if (e instanceof PhasegateException.TooManyRequests) {
            return 429;
        }
        return 503;
    }

    private static String slug(PhasegateException e) {
        return switch (status(e)) {
            case 400 -> "malformed";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 409 -> "conflict";
            case 413 -> "too-large";
            case 422 -> "invalid";
            case 429 -> "too-many-requests";
            default -> "unavailable";
        };
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Malformed request";
            case 401 -> "Authentication required";
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 409 -> "Conflict with the current state";
            case 413 -> "Request too large";
            case 422 -> "Invalid input";
            case 429 -> "Too many requests";
            case 500 -> "Internal error";
            case 503 -> "Unavailable";
            default -> "HTTP " + status;
        };
    }
}
