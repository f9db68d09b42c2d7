package dev.phasegate.core.plan;

import java.util.Arrays;
import java.util.Optional;

/** The metrics a threshold guard can watch, with the name used in plans and their valid range. */
public enum GuardMetric {
    CPU_PERCENT("cpu", 0, 100),
    MEMORY_PERCENT("memory", 0, 100),
    P95_LATENCY_SECONDS("p95-latency", 0, Double.MAX_VALUE),
    P99_LATENCY_SECONDS("p99-latency", 0, Double.MAX_VALUE),
    ERROR_RATE_PERCENT("error-rate", 0, 100);

    private final String planName;
    private final double min;
    private final double max;

    GuardMetric(String planName, double min, double max) {
        this.planName = planName;
        this.min = min;
        this.max = max;
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

    public static Optional<GuardMetric> byPlanName(String name) {
        return Arrays.stream(values()).filter(m -> m.planName.equals(name)).findFirst();
    }
}
