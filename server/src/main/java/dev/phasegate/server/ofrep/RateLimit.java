package dev.phasegate.server.ofrep;

/**
 * How many OFREP evaluation requests one token may make: {@code requestsPerSecond} on average, with bursts
 * of up to {@code burst} at once.
 *
 * <pre>{@code
 * RateLimit strict = new RateLimit(500, 1_000); // 500 a second on average, 1,000 at once
 * }</pre>
 */
public record RateLimit(int requestsPerSecond, int burst) {

    /**
     * The default: a safety valve, not a meter. Honest clients need a handful of requests per user session
     * (bulk evaluation, or the SDK's local evaluation); the limit is there to stop one runaway client (a
     * retry loop, an evaluation per row of a report) from taking a large node's whole capacity from the
     * other tokens. The number: one 2-core node served about 12,000 requests/s in total on a bare hello
     * route and as many OFREP evaluations (a local probe, client and server on the same machine), so the
     * default sits about eight times over a whole node's capacity there and does not show in a throughput
     * benchmark; it binds only on hardware large enough for one token to exceed 100,000 evaluations a
     * second. The burst is two seconds' worth, for clients that start many instances at once.
     */
    public static final RateLimit DEFAULT = new RateLimit(100_000, 200_000);

    public RateLimit {
        if (requestsPerSecond < 1) {
            throw new IllegalArgumentException("requestsPerSecond must be at least 1, was " + requestsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, was " + burst);
        }
    }
}
