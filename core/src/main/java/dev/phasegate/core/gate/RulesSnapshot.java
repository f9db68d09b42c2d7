package dev.phasegate.core.gate;

import java.util.List;

/**
 * Every rollout's gating rules at one version: what the server publishes and an SDK evaluates
 * locally. Feature keys are unique across rollouts.
 *
 * @param version increases with every change that can alter an evaluation
 */
public record RulesSnapshot(long version, List<RolloutRules> rollouts) {
    public static final RulesSnapshot EMPTY = new RulesSnapshot(0, List.of());

    public RulesSnapshot {
        rollouts = List.copyOf(rollouts);
    }
}
