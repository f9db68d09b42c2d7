package dev.phasegate.core.plan;

/** What applying a plan for a new rollout does: start it at once, or leave it as a draft. */
public enum StartMode {
    ACTIVE, DRAFT
}
