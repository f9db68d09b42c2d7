package dev.phasegate.core.plan;

import java.time.Duration;
import java.util.List;

/**
 * A health guard as written in a plan. Evaluation belongs to the guard engine; the plan only carries and
 * validates it.
 *
 * <p>Example (YAML): {@code {name: error-rate, metric: error-rate, scope: beta, warning: 1, critical: 2, for: 30s}}
 *
 * @param name          unique within the plan
 * @param kind          threshold, comparison (beta vs control) or trend (forecast)
 * @param metric        what is measured
 * @param scope         whose measurements: the host, the beta cohort, the control cohort
 * @param phase         with scope beta: only the beta users of this 1-based phase; null for all
 * @param warning       threshold: the warning level in the metric's unit; comparison: the confidence in
 *                      percent that beta is worse; trend: unused (NaN)
 * @param critical      threshold: the critical level, beyond warning in the direction of harm; comparison:
 *                      a higher confidence; trend: the level whose crossing is forecast
 * @param forDuration   how long a breach must hold before the alert fires
 * @param keepFiringFor how long it must be clear before the alert resolves
 * @param minSamples    fewer samples than this means "insufficient data", never a pass (requests per cohort,
 *                      host samples, or points of a trend)
 * @param onCritical    what the guardian does when the critical level fires
 * @param window        the sliding window the metric is read over
 * @param horizon       trend: how far ahead the forecast looks; null otherwise
 * @param metricName    metric {@code custom}: the name of the application's metric events; null otherwise
 * @param query         metric {@code promql}: the PromQL expression; null otherwise
 * @param onWarning     a webhook called when the guard's warning (or critical) alert fires; null for none
 */
public record Guard(String name, GuardKind kind, GuardMetric metric, GuardScope scope, Integer phase,
                    double warning, double critical, Duration forDuration, Duration keepFiringFor, int minSamples,
                    GuardAction onCritical, Duration window, Duration horizon, String metricName, String query,
                    WarningHook onWarning) {

    /** A guard without a warning hook. */
    public Guard(String name, GuardKind kind, GuardMetric metric, GuardScope scope, Integer phase,
                 double warning, double critical, Duration forDuration, Duration keepFiringFor, int minSamples,
                 GuardAction onCritical, Duration window, Duration horizon, String metricName, String query) {
        this(name, kind, metric, scope, phase, warning, critical, forDuration, keepFiringFor, minSamples, onCritical,
                window, horizon, metricName, query, null);
    }

    /** Thirty seconds of breach before firing: a few telemetry buckets, short of a user-visible outage. */
    public static final Duration DEFAULT_FOR = Duration.ofSeconds(30);
    /** Resolve only after a minute clear, so a flapping metric does not open and close alerts. */
    public static final Duration DEFAULT_KEEP_FIRING_FOR = Duration.ofMinutes(1);
    /** Below 100 requests an error rate of 1 % is one request: too few to judge. */
    public static final int DEFAULT_MIN_SAMPLES = 100;
    /** Threshold guards read the last minute: six 10 s buckets, enough to smooth one slow bucket. */
    public static final Duration DEFAULT_THRESHOLD_WINDOW = Duration.ofMinutes(1);
    /** Comparisons accumulate evidence over the last hour (the sequential test stays valid within it). */
    public static final Duration DEFAULT_COMPARISON_WINDOW = Duration.ofHours(1);
    /** Trends fit the last 15 minutes: 90 points of 10 s, enough for a stable slope. */
    public static final Duration DEFAULT_TREND_WINDOW = Duration.ofMinutes(15);
    /** Trends look half an hour ahead: long enough to act, short enough for a linear fit to mean something. */
    public static final Duration DEFAULT_HORIZON = Duration.ofMinutes(30);
    /** Twelve points (two minutes of 10 s buckets) before a slope is trusted. */
    public static final int DEFAULT_TREND_MIN_SAMPLES = 12;
    /** Comparison confidences: warn at 99 %, critical at 99.9 % that beta is worse than control. */
    public static final double DEFAULT_COMPARISON_WARNING = 99.0;
    public static final double DEFAULT_COMPARISON_CRITICAL = 99.9;

    /** A threshold guard over the default window. */
    public static Guard threshold(String name, GuardMetric metric, GuardScope scope, double warning, double critical,
                                  Duration forDuration, Duration keepFiringFor, int minSamples, GuardAction onCritical) {
        return new Guard(name, GuardKind.THRESHOLD, metric, scope, null, warning, critical, forDuration, keepFiringFor,
                minSamples, onCritical, DEFAULT_THRESHOLD_WINDOW, null, null, null);
    }

    /** The reference plan's thresholds (the earlier attempt's report): CPU 70/85 %, memory 75/90 %,
     *  p95 response time 1.0/2.0 s, error rate 1/2 %. */
    public static List<Guard> referenceDefaults() {
        return List.of(
                threshold("cpu", GuardMetric.CPU_PERCENT, GuardScope.SYSTEM, 70, 85,
                        DEFAULT_FOR, DEFAULT_KEEP_FIRING_FOR, 1, GuardAction.PAUSE),
                threshold("memory", GuardMetric.MEMORY_PERCENT, GuardScope.SYSTEM, 75, 90,
                        DEFAULT_FOR, DEFAULT_KEEP_FIRING_FOR, 1, GuardAction.PAUSE),
                threshold("response-time", GuardMetric.P95_LATENCY_SECONDS, GuardScope.BETA, 1.0, 2.0,
                        DEFAULT_FOR, DEFAULT_KEEP_FIRING_FOR, DEFAULT_MIN_SAMPLES, GuardAction.ROLLBACK),
                threshold("error-rate", GuardMetric.ERROR_RATE_PERCENT, GuardScope.BETA, 1, 2,
                        DEFAULT_FOR, DEFAULT_KEEP_FIRING_FOR, DEFAULT_MIN_SAMPLES, GuardAction.ROLLBACK));
    }
}
