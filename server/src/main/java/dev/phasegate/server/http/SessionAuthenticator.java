package dev.phasegate.server.http;

import dev.phasegate.server.token.TokenService;
import io.javalin.http.Context;

import java.util.Optional;

/**
 * Authenticates a request that carries no token: a person's session cookie. Throws
 * {@link dev.phasegate.server.PhasegateException.Forbidden} for a change made with the cookie but without
 * its CSRF token; answers empty when the request has no live session.
 */
@FunctionalInterface
public interface SessionAuthenticator {
    Optional<TokenService.Principal> authenticate(Context ctx);
}
