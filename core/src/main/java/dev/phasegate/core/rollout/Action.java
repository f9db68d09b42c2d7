package dev.phasegate.core.rollout;

import java.util.Locale;

/** What a person, a token or the guardian asks of a rollout. */
public enum Action {
    START, ADVANCE, PAUSE, RESUME, COMPLETE, ROLLBACK,
    /** The runbook's step that takes features away: back to the previous phase, or all of them. */
    DISABLE_FEATURES,
    FINISH_ROLLBACK;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
