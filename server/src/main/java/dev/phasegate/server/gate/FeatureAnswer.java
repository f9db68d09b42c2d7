package dev.phasegate.server.gate;

import java.util.List;

/**
 * The answer of {@code GET /api/v1/rollouts/{key}/users/{userId}/features}.
 *
 * @param membership enrolled, waitlisted or none
 * @param features   each feature of the rollout with its value and reason
 */
public record FeatureAnswer(String rollout, String userId, String state, int phase, String membership, List<FeatureValue> features) {

    public record FeatureValue(String key, boolean enabled, String reason, int phase) {
    }
}
