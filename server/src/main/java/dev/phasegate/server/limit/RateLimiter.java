package dev.phasegate.server.limit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a token id, a user, a client address), kept as the generic cell rate algorithm:
 * one "theoretical arrival time" per key, advanced by one interval per admitted request, so the bucket is a
 * single {@code long} updated by compare-and-set (no lock on the request path) and time comes from an
 * injected nanosecond clock (tests advance a fake one).
 *
 * <pre>{@code
 * RateLimiter limiter = new RateLimiter(RateLimit.DEFAULT, System::nanoTime);
 * long wait = limiter.delayFor(tokenId); // 0: go ahead
 * }</pre>
 */
public final class RateLimiter {

    /**
     * Keys kept before full buckets are forgotten: keys come from callers (client addresses), so the map
     * must not grow without bound; a full bucket is the same as no entry.
     */
    static final int PRUNE_ABOVE = 100_000;

    private final long intervalNanos;
    /** How far ahead of now the arrival time may run: the burst, less the request being admitted. */
    private final long toleranceNanos;
    private final LongSupplier nanoTime;
    /** One entry per key that has made a request; pruned of full buckets above {@link #PRUNE_ABOVE}. */
    private final Map<String, AtomicLong> arrivals = new ConcurrentHashMap<>();

    public RateLimiter(RateLimit limit, LongSupplier nanoTime) {
        this.intervalNanos = limit.intervalNanos();
        this.toleranceNanos = intervalNanos * (limit.burst() - 1L);
        this.nanoTime = nanoTime;
    }

    /** Zero if {@code key} may make a request now (and counts it), else the nanoseconds until it may. */
    public long delayFor(String key) {
        AtomicLong arrival = arrivals.get(key);
        if (arrival == null) {
            if (arrivals.size() > PRUNE_ABOVE) {
                prune();
            }
            arrival = arrivals.computeIfAbsent(key, id -> new AtomicLong(nanoTime.getAsLong()));
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

    /** Like {@link #delayFor} without counting a request: for limits counted on failures only (sign-in). */
    public long peek(String key) {
        AtomicLong arrival = arrivals.get(key);
        if (arrival == null) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        long current = arrival.get();
        long start = current - now < 0 ? now : current;
        return Math.max(0, start - now - toleranceNanos);
    }

    /** Forgets {@code key}: its bucket is full again (a successful sign-in clears the name's failures). */
    public void reset(String key) {
        arrivals.remove(key);
    }

    private void prune() {
        long now = nanoTime.getAsLong();
        arrivals.values().removeIf(arrival -> arrival.get() - now <= 0);
    }

    /** The {@code Retry-After} delay in whole seconds (RFC 9110 section 10.2.3), rounded up, at least 1. */
    public static long retryAfterSeconds(long delayNanos) {
        long seconds = (delayNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
        return Math.max(1, seconds);
    }
}
