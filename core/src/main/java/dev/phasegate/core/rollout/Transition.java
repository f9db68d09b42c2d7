package dev.phasegate.core.rollout;

/**
 * The outcome of asking for an action: either the rollout's next state and phase, or a refusal that
 * says why and what would be allowed.
 */
public sealed interface Transition {

    record Allowed(RolloutState state, int phase, boolean featuresWithdrawn) implements Transition {
    }

    record Refused(String reason) implements Transition {
    }
}
