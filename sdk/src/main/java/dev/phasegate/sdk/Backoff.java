package dev.phasegate.sdk;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog): the
 * n-th wait is uniform in [initial, min(max, initial × 2^n)], so many clients do not retry in step.
 * Randomness is injected for tests.
 */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random;
    private int failures;

    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The wait before the next attempt after one more failure. */
    synchronized Duration next() {
        long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(failures, 20));
        failures++;
        long span = Math.max(0, ceiling - initial.toMillis());
        return Duration.ofMillis(initial.toMillis() + (long) (random.getAsDouble() * span));
    }

    synchronized void reset() {
        failures = 0;
    }

    synchronized int failures() {
        return failures;
    }
}
