package dev.phasegate.core.gate;

import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.core.rollout.RolloutState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The gating rules of one rollout, compiled once from its plan and state so each evaluation is a map
 * lookup and at most one hash. Immutable and thread-safe.
 *
 * <pre>{@code
 * RolloutGate gate = RolloutGate.of(rollout);
 * Evaluation e = gate.evaluate("ai-analysis", "user-42", Membership.ENROLLED, killSwitches::contains);
 * }</pre>
 */
public final class RolloutGate {

    /** @param unlockedAt 1-based phase that unlocks the feature; @param percentage its ramp now */
    private record FeatureRule(int unlockedAt, int percentage) {
    }

    private final String rolloutKey;
    private final RolloutState state;
    private final int currentPhase;
    private final boolean featuresWithdrawn;
    private final Map<String, FeatureRule> features;

    private RolloutGate(String rolloutKey, RolloutState state, int currentPhase, boolean featuresWithdrawn,
                        Map<String, FeatureRule> features) {
        this.rolloutKey = rolloutKey;
        this.state = state;
        this.currentPhase = currentPhase;
        this.featuresWithdrawn = featuresWithdrawn;
        this.features = features;
    }

    public static RolloutGate of(Rollout rollout) {
        Plan plan = rollout.plan();
        Map<String, FeatureRule> features = new LinkedHashMap<>();
        plan.unlockingPhases().forEach((feature, phase) ->
                features.put(feature, new FeatureRule(phase, plan.percentageFor(feature, rollout.currentPhase()))));
        return new RolloutGate(rollout.key(), rollout.state(), rollout.currentPhase(), rollout.featuresWithdrawn(),
                Collections.unmodifiableMap(features));
    }

    public String rolloutKey() {
        return rolloutKey;
    }

    public int currentPhase() {
        return currentPhase;
    }

    /** The rollout's feature keys in the order its phases unlock them. */
    public List<String> featureKeys() {
        return new ArrayList<>(features.keySet());
    }

    public boolean hasFeature(String feature) {
        return features.containsKey(feature);
    }

    /**
     * Evaluates one feature for one user. Never throws for any input.
     *
     * @param feature    the feature key
     * @param userId     the user's id (used for percentage bucketing)
     * @param membership whether the user is an enrolled beta user, waitlisted, or neither
     * @param killed     which features have their kill switch on
     */
    public Evaluation evaluate(String feature, String userId, Membership membership, Predicate<String> killed) {
        FeatureRule rule = feature == null ? null : features.get(feature);
        if (membership == null) {
            membership = Membership.NONE;
        }
        if (rule == null) {
            return Evaluation.of(feature, Reason.UNKNOWN_FEATURE);
        }
        if (killed != null && killed.test(feature)) {
            return Evaluation.of(feature, Reason.KILL_SWITCH);
        }
        switch (state) {
            case ROLLING_BACK, ROLLED_BACK -> {
                return Evaluation.of(feature, Reason.ROLLED_BACK);
            }
            case DRAFT -> {
                return Evaluation.of(feature, Reason.NOT_STARTED);
            }
            case COMPLETED -> {
                return Evaluation.of(feature, Reason.COMPLETED);
            }
            case PAUSED -> {
                if (featuresWithdrawn) {
                    return Evaluation.of(feature, Reason.PAUSED);
                }
            }
            default -> {
                // active, or paused keeping features: decided below
            }
        }
        boolean unlocked = rule.unlockedAt() <= currentPhase;
        if (membership == Membership.ENROLLED && unlocked) {
            return Evaluation.of(feature, Reason.ENROLLED_PHASE);
        }
        if (unlocked && userId != null && Bucketing.inRamp(feature, userId, rule.percentage())) {
            return Evaluation.of(feature, Reason.PERCENTAGE);
        }
        return Evaluation.of(feature, switch (membership) {
            case ENROLLED -> Reason.PHASE_NOT_REACHED;
            case WAITLISTED -> Reason.WAITLISTED;
            case NONE -> Reason.NOT_ENROLLED;
        });
    }

    /** Every feature of the rollout for one user, in unlocking order. */
    public List<Evaluation> evaluateAll(String userId, Membership membership, Predicate<String> killed) {
        List<Evaluation> result = new ArrayList<>(features.size());
        for (String feature : features.keySet()) {
            result.add(evaluate(feature, userId, membership, killed));
        }
        return result;
    }
}
