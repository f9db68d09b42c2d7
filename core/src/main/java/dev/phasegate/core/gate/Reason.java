package dev.phasegate.core.gate;

import java.util.Locale;

/** Why an evaluation came out as it did. API names are lowercase with dashes. */
public enum Reason {
    /** An enrolled beta user, and the current phase has unlocked the feature. */
    ENROLLED_PHASE(true),
    /** Inside the percentage ramp of all users. */
    PERCENTAGE(true),
    /** The rollout is complete: the feature is on for everyone. */
    COMPLETED(true),
    /** Neither enrolled nor inside a ramp. */
    NOT_ENROLLED(false),
    /** On the waitlist, not yet admitted. */
    WAITLISTED(false),
    /** Enrolled, but the feature belongs to a later phase. */
    PHASE_NOT_REACHED(false),
    /** The rollout is a draft and has not started. */
    NOT_STARTED(false),
    /** The rollout is paused with its features withdrawn. */
    PAUSED(false),
    /** The feature's kill switch is on. */
    KILL_SWITCH(false),
    /** The rollout is rolling back or rolled back. */
    ROLLED_BACK(false),
    /** No rollout has this feature. */
    UNKNOWN_FEATURE(false);

    private final boolean enables;

    Reason(boolean enables) {
        this.enables = enables;
    }

    /** Whether a result with this reason has the feature on. */
    public boolean enables() {
        return enables;
    }

    public String apiName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
