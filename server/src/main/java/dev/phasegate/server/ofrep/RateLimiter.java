package dev.phasegate.server.ofrep;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket per token id, kept as the generic cell rate algorithm: one "theoretical arrival time" per
 * token, advanced by one interval per admitted request, so the bucket is a single {@code long} updated by
 * compare-and-set (no lock on the evaluation path) and time comes from an injected nanosecond clock (tests
 * advance a fake one).
 *
 * <pre>{@code
 * RateLimiter limiter = new RateLimiter(RateLimit.DEFAULT, System::nanoTime);
 * long wait = limiter.delayFor(tokenId); // 0: go ahead
 * }</pre>
 */
final class RateLimiter {

    private final long intervalNanos;
    /** How far ahead of now the arrival time may run: the burst, less the request being admitted. */
    private final long toleranceNanos;
    private final LongSupplier nanoTime;
    /** One entry per token that has evaluated: bounded by the tokens in the store. */
    private final Map<String, AtomicLong> arrivals = new ConcurrentHashMap<>();

    RateLimiter(RateLimit limit, LongSupplier nanoTime) {
        this.intervalNanos = Math.max(1, TimeUnit.SECONDS.toNanos(1) / limit.requestsPerSecond());
        this.toleranceNanos = intervalNanos * (limit.burst() - 1L);
        this.nanoTime = nanoTime;
    }

    /** Zero if the token may make a request now (and counts it), else the nanoseconds until it may. */
    long delayFor(String tokenId) {
        AtomicLong arrival = arrivals.get(tokenId);
        if (arrival == null) {
            arrival = arrivals.computeIfAbsent(tokenId, id -> new AtomicLong(nanoTime.getAsLong()));
        }
        while (true) {
            long now = nanoTime.getAsLong();
            long current = arrival.get();
            // nanoTime values are compared by difference: they may wrap.
            long start = current - now < 0 ? now : current;
            long wait = start - now - toleranceNanos;
            if (wait > 0) {
                return wait;
            }
            if (arrival.compareAndSet(current, start + intervalNanos)) {
                return 0;
            }
        }
    }

    /** The {@code Retry-After} delay in whole seconds (RFC 9110 section 10.2.3), rounded up, at least 1. */
    static long retryAfterSeconds(long delayNanos) {
        long seconds = (delayNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
        return Math.max(1, seconds);
    }
}
