package dev.phasegate.server.rollout;

import java.time.Instant;
import java.util.List;

/**
 * A rollout as the API shows it.
 *
 * @param phases per phase: capacity, features unlocked, users who joined in it
 */
public record RolloutView(String key, String name, String description, String state, int currentPhase,
                          String currentPhaseName, int phaseCount, int capacity, int enrolled, int waitlisted,
                          boolean featuresWithdrawn, Instant phaseStartedAt, Instant createdAt, Instant updatedAt,
                          List<PhaseView> phases, List<FeatureView> features, PlanDocument plan) {

    public record PhaseView(int number, String name, int capacity, List<String> features, List<String> featuresCumulative,
                            int percentage, int joined, boolean current) {
    }

    public record FeatureView(String key, int phase, boolean killSwitch, String killReason) {
    }
}
