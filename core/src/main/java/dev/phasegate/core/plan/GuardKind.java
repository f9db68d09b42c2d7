package dev.phasegate.core.plan;

import java.util.Arrays;
import java.util.Optional;

/** How a guard judges its metric. */
public enum GuardKind {
    /** The metric against warning and critical levels, with hysteresis. */
    THRESHOLD("threshold"),
    /** The beta cohort against control with a sequential test; levels are confidences in percent. */
    COMPARISON("comparison"),
    /** A forecast of the metric: warns when it is predicted to cross the critical level within the horizon. */
    TREND("trend");

    private final String planName;

    GuardKind(String planName) {
        this.planName = planName;
    }

    public String planName() {
        return planName;
    }

    public static Optional<GuardKind> byPlanName(String name) {
        return Arrays.stream(values()).filter(k -> k.planName.equals(name)).findFirst();
    }
}
