package dev.phasegate.core.plan;

import java.util.Arrays;
import java.util.Optional;

/**
 * The metrics a guard can watch, with the name used in plans and their valid range. For every metric a
 * higher value is worse.
 */
public enum GuardMetric {
    CPU_PERCENT("cpu", 0, 100, true),
    MEMORY_PERCENT("memory", 0, 100, true),
    DISK_PERCENT("disk", 0, 100, true),
    P50_LATENCY_SECONDS("p50-latency", 0, Double.MAX_VALUE, false),
    P95_LATENCY_SECONDS("p95-latency", 0, Double.MAX_VALUE, false),
    P99_LATENCY_SECONDS("p99-latency", 0, Double.MAX_VALUE, false),
    ERROR_RATE_PERCENT("error-rate", 0, 100, false),
    /** The average of the application's own {@code metric} events of one name ({@link Guard#metricName()}). */
    CUSTOM("custom", -Double.MAX_VALUE, Double.MAX_VALUE, false),
    /** The value of a PromQL query ({@link Guard#query()}) against the configured Prometheus server. */
    PROMQL("promql", -Double.MAX_VALUE, Double.MAX_VALUE, false);

    private final String planName;
    private final double min;
    private final double max;
    private final boolean host;

    GuardMetric(String planName, double min, double max, boolean host) {
        this.planName = planName;
        this.min = min;
        this.max = max;
        this.host = host;
    }

    public String planName() {
        return planName;
    }

    public boolean inRange(double value) {
        return value >= min && value <= max;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    /** Measured on the host (scope {@code system}), not from the application's telemetry. */
    public boolean host() {
        return host;
    }

    /** A latency metric: comparison guards compare the whole latency distribution for any of them. */
    public boolean latency() {
        return this == P50_LATENCY_SECONDS || this == P95_LATENCY_SECONDS || this == P99_LATENCY_SECONDS;
    }

    public static Optional<GuardMetric> byPlanName(String name) {
        return Arrays.stream(values()).filter(m -> m.planName.equals(name)).findFirst();
    }
}
