package dev.phasegate.core.plan;

import java.util.List;

/**
 * One step of a rollout.
 *
 * @param name       a human name ("pilot", "early adopters")
 * @param capacity   cumulative number of enrolled beta users allowed while this phase is current
 * @param features   the feature keys this phase unlocks (earlier phases' features stay unlocked)
 * @param percentage share of <em>all</em> users (0–100) who get the features unlocked so far,
 *                   by sticky hashing, while this phase is current
 * @param advance    criteria for leaving this phase
 */
public record Phase(String name, int capacity, List<String> features, int percentage, AdvanceCriteria advance) {
    public Phase {
        features = features == null ? List.of() : List.copyOf(features);
        advance = advance == null ? AdvanceCriteria.NONE : advance;
    }
}
