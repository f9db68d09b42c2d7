package dev.phasegate.server.telemetry;

import java.util.Locale;

/** The group a telemetry event is counted in: enrolled beta users (per phase) or everyone else. */
public enum Cohort {
    BETA, CONTROL;

    /** The name in the API and in metric labels: {@code beta}, {@code control}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Cohort byWireName(String name) {
        return switch (name) {
            case "beta" -> BETA;
            case "control" -> CONTROL;
            default -> throw new IllegalArgumentException("unknown cohort '" + name + "'");
        };
    }
}
