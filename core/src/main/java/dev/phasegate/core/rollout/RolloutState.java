package dev.phasegate.core.rollout;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The life of a rollout. Names as they appear in the API: lowercase with underscores. */
public enum RolloutState {
    DRAFT, ACTIVE, PAUSED, ROLLING_BACK, ROLLED_BACK, COMPLETED;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RolloutState> byApiName(String name) {
        return Arrays.stream(values()).filter(s -> s.apiName().equals(name)).findFirst();
    }

    /** Whether beta users are admitted from the waitlist in this state. */
    public boolean admits() {
        return this == ACTIVE;
    }
}
