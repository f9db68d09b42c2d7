package dev.phasegate.server.config;

import dev.phasegate.server.limit.RateLimit;
import dev.phasegate.server.limit.TrustedProxies;

import java.time.Duration;

/**
 * Request rate limits: one immutable value inside {@link Settings}. Over a limit a caller gets 429 with
 * {@code Retry-After}.
 *
 * @param ingest           {@code POST /api/v1/events} per token
 * @param evaluation       OFREP and {@code GET .../users/{userId}/features} per token (one bucket for both)
 * @param signInPerName    failed sign-ins per name
 * @param signInPerAddress failed sign-ins per client address
 * @param trustedProxies   the load balancers whose X-Forwarded-For names the client address (none by default)
 */
public record Limits(RateLimit ingest, RateLimit evaluation, RateLimit signInPerName, RateLimit signInPerAddress,
                     TrustedProxies trustedProxies) {

    /** Limits with no trusted proxy: the connection's peer is the client. */
    public Limits(RateLimit ingest, RateLimit evaluation, RateLimit signInPerName, RateLimit signInPerAddress) {
        this(ingest, evaluation, signInPerName, signInPerAddress, TrustedProxies.NONE);
    }

    /**
     * A batch carries up to 10,000 events, so 200 full batches a second is two million events a second per
     * token, more than one node stores (bench/README.md: about 1.5 million a second on two cores), and an SDK
     * sends a few batches a second: the limit stops a client stuck in a retry loop of small batches, not a
     * busy service. The burst is two seconds' worth.
     */
    public static final RateLimit DEFAULT_INGEST = new RateLimit(200, 400);
    /** See {@link RateLimit#DEFAULT}. */
    public static final RateLimit DEFAULT_EVALUATION = RateLimit.DEFAULT;
    /** Five wrong passwords a minute for one name: a person mistypes a few times, a guesser needs millions. */
    public static final RateLimit DEFAULT_SIGN_IN_PER_NAME = new RateLimit(5, Duration.ofMinutes(1), 5);
    /** Twenty a minute from one address: an office behind one NAT signing in on a Monday, not a sweep of names. */
    public static final RateLimit DEFAULT_SIGN_IN_PER_ADDRESS = new RateLimit(20, Duration.ofMinutes(1), 20);

    public static final Limits DEFAULTS = new Limits(DEFAULT_INGEST, DEFAULT_EVALUATION, DEFAULT_SIGN_IN_PER_NAME,
            DEFAULT_SIGN_IN_PER_ADDRESS);
}
