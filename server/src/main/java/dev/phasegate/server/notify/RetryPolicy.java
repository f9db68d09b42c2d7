package dev.phasegate.server.notify;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When to try again. The default makes 8 attempts over about an hour (5 s, 15 s, 45 s, 2¼ min, 6¾ min,
 * 20 min, then 30 min): quick enough to ride out a restarting mail relay, long enough to outlast a short
 * outage of a chat service, and then the message is given up (failed) and visible as such.
 *
 * @param maxAttempts attempts in all, the first included
 * @param first       the delay after the first failure
 * @param factor      each next delay is this many times the previous one
 * @param max         no delay is longer
 * @param jitter      each delay is spread by ± this fraction, so messages failed together do not retry together
 */
record RetryPolicy(int maxAttempts, Duration first, double factor, Duration max, double jitter) {

    static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofSeconds(5), 3, Duration.ofMinutes(30), 0.2);

    /** The delay after failed attempt number {@code attempt} (1-based). */
    Duration delayAfter(int attempt, RandomGenerator random) {
        double millis = first.toMillis() * Math.pow(factor, Math.max(0, attempt - 1));
        millis = Math.min(millis, max.toMillis());
        double spread = 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofMillis(Math.max(1, Math.round(millis * spread)));
    }
}
