package dev.phasegate.core.plan;

import java.util.Arrays;
import java.util.Optional;

/** Whose measurements a guard reads. */
public enum GuardScope {
    SYSTEM("system"), BETA("beta"), CONTROL("control");

    private final String planName;

    GuardScope(String planName) {
        this.planName = planName;
    }

    public String planName() {
        return planName;
    }

    public static Optional<GuardScope> byPlanName(String name) {
        return Arrays.stream(values()).filter(s -> s.planName.equals(name)).findFirst();
    }
}
