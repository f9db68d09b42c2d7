package dev.phasegate.server.limit;

import java.time.Duration;

/**
 * How many requests one caller may make: {@code requests} per {@code per} on average, with bursts of up to
 * {@code burst} at once.
 *
 * <pre>{@code
 * RateLimit evaluations = new RateLimit(500, 1_000);              // 500 a second, 1,000 at once
 * RateLimit signIns = new RateLimit(5, Duration.ofMinutes(1), 5); // 5 a minute, all 5 at once
 * }</pre>
 */
public record RateLimit(int requests, Duration per, int burst) {

    /**
     * OFREP and feature evaluations per token: a safety valve, not a meter. Honest clients need a handful of
     * requests per user session (bulk evaluation, or the SDK's local evaluation); the limit is there to stop
     * one runaway client (a retry loop, an evaluation per row of a report) from taking a large node's whole
     * capacity from the other tokens. The number: one 2-core node served about 12,000 requests/s in total on
     * a bare hello route and as many OFREP evaluations (a local probe, client and server on the same
     * machine), so the default sits about eight times over a whole node's capacity there and does not show
     * in a throughput benchmark; it binds only on hardware large enough for one token to exceed 100,000
     * evaluations a second. The burst is two seconds' worth, for clients that start many instances at once.
     */
    public static final RateLimit DEFAULT = new RateLimit(100_000, 200_000);

    public RateLimit {
        if (requests < 1) {
            throw new IllegalArgumentException("requests must be at least 1, was " + requests);
        }
        if (per == null || per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException("per must be a positive duration, was " + per);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, was " + burst);
        }
    }

    /** {@code requestsPerSecond} a second on average, bursts of {@code burst}. */
    public RateLimit(int requestsPerSecond, int burst) {
        this(requestsPerSecond, Duration.ofSeconds(1), burst);
    }

    /** The time one request's worth of the bucket takes to refill. */
    long intervalNanos() {
        return Math.max(1, per.toNanos() / requests);
    }

    /** As settings and docs write it: {@code 200/s burst 400}. */
    @Override
    public String toString() {
        String unit = per.equals(Duration.ofSeconds(1)) ? "s" : per.equals(Duration.ofMinutes(1)) ? "min" : per.toString();
        return requests + "/" + unit + " burst " + burst;
    }
}
