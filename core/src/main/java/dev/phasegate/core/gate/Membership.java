package dev.phasegate.core.gate;

/** Where a user stands in a rollout's beta program, as far as gating cares. */
public enum Membership {
    ENROLLED, WAITLISTED, NONE
}
