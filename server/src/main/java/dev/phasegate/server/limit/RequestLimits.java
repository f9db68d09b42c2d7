package dev.phasegate.server.limit;

import dev.phasegate.server.config.Limits;

import java.time.Clock;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The node's request limiters, one per limited kind of request, all reading one clock.
 *
 * <pre>{@code
 * RequestLimits limits = RequestLimits.of(settings.limits(), clock);
 * long wait = limits.ingest().delayFor(tokenId);
 * }</pre>
 */
public record RequestLimits(RateLimiter ingest, RateLimiter evaluation, SignInThrottle signIns) {

    public static RequestLimits of(Limits limits, Clock clock) {
        LongSupplier nanos = () -> epochNanos(clock.instant());
        return new RequestLimits(new RateLimiter(limits.ingest(), nanos), new RateLimiter(limits.evaluation(), nanos),
                new SignInThrottle(limits.signInPerName(), limits.signInPerAddress(), nanos));
    }

    /** Nanoseconds since 1970 fit a long until 2262; the limiters only compare differences. */
    static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
