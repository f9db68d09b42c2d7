package dev.phasegate.core.plan;

import java.util.Arrays;
import java.util.Optional;

/** What the guardian does when a guard reaches its critical level. */
public enum GuardAction {
    /** Stop enrollments and hold the phase; users keep their features. */
    PAUSE("pause"),
    /** Run the rollback runbook. */
    ROLLBACK("rollback"),
    /** Raise the alert only. */
    ALERT("alert");

    private final String planName;

    GuardAction(String planName) {
        this.planName = planName;
    }

    public String planName() {
        return planName;
    }

    public static Optional<GuardAction> byPlanName(String name) {
        return Arrays.stream(values()).filter(a -> a.planName.equals(name)).findFirst();
    }
}
