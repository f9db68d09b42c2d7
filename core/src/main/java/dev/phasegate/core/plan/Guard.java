package dev.phasegate.core.plan;

import java.time.Duration;
import java.util.List;

/**
 * A threshold health guard as written in a plan. Evaluation belongs to the guardian; the plan only
 * carries and validates it.
 *
 * @param name          unique within the plan
 * @param metric        what is measured
 * @param scope         whose measurements: the host, the beta cohort, the control cohort
 * @param warning       the warning level, in the metric's unit
 * @param critical      the critical level; beyond warning in the direction of harm
 * @param forDuration   how long a breach must hold before the alert fires
 * @param keepFiringFor how long it must be clear before the alert resolves
 * @param minSamples    fewer samples than this means "insufficient data", never a pass
 * @param onCritical    what the guardian does when the critical level fires
 */
public record Guard(String name, GuardMetric metric, GuardScope scope, double warning, double critical,
                    Duration forDuration, Duration keepFiringFor, int minSamples, GuardAction onCritical) {

    /** Thirty seconds of breach before firing: a few telemetry buckets, short of a user-visible outage. */
    public static final Duration DEFAULT_FOR = Duration.ofSeconds(30);
    /** Resolve only after a minute clear, so a flapping metric does not open and close alerts. */
    public static final Duration DEFAULT_KEEP_FIRING_FOR = Duration.ofMinutes(1);
    /** Below 100 requests an error rate of 1 % is one request: too few to judge. */
    public static final int DEFAULT_MIN_SAMPLES = 100;

    /** The reference plan's thresholds (the earlier attempt's report): CPU 70/85 %, memory 75/90 %,
     *  p95 response time 1.0/2.0 s, error rate 1/2 %. */
    public static List<Guard> referenceDefaults() {
        return List.of(
                new Guard("cpu", GuardMetric.CPU_PERCENT, GuardScope.SYSTEM, 70, 85,
                        DEFAULT_FOR, DEFAULT_KEEP_FIRING_FOR, 1, GuardAction.PAUSE),
                new Guard("memory", GuardMetric.MEMORY_PERCENT, GuardScope.SYSTEM, 75, 90,
                        DEFAULT_FOR, DEFAULT_KEEP_FIRING_FOR, 1, GuardAction.PAUSE),
                new Guard("response-time", GuardMetric.P95_LATENCY_SECONDS, GuardScope.BETA, 1.0, 2.0,
                        DEFAULT_FOR, DEFAULT_KEEP_FIRING_FOR, DEFAULT_MIN_SAMPLES, GuardAction.ROLLBACK),
                new Guard("error-rate", GuardMetric.ERROR_RATE_PERCENT, GuardScope.BETA, 1, 2,
                        DEFAULT_FOR, DEFAULT_KEEP_FIRING_FOR, DEFAULT_MIN_SAMPLES, GuardAction.ROLLBACK));
    }
}
