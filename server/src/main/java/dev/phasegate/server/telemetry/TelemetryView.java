package dev.phasegate.server.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Read access to this node's recent telemetry, held in memory for {@code Monitoring.memoryWindow()} (flushed
 * buckets included), for guards' sliding windows. Buckets are 10 s long and aligned to the epoch.
 *
 * <pre>{@code
 * Aggregate lastFiveMinutes = view.window("trading-v2", Cohort.BETA, null, now.minus(Duration.ofMinutes(5)), now);
 * double p99 = lastFiveMinutes.latencyMs(0.99);
 * }</pre>
 */
public interface TelemetryView {

    /** Merged aggregate of the in-memory buckets whose start lies in [from, to); phase null = all phases of the cohort. */
    Aggregate window(String rollout, Cohort cohort, Integer phase, Instant from, Instant to);

    /** One aggregate per step (a multiple of 10 s), oldest first, covering [from, to); empty steps included. */
    List<TimedAggregate> series(String rollout, Cohort cohort, Integer phase, Instant from, Instant to, Duration step);
}
