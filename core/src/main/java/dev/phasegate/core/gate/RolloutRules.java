package dev.phasegate.core.gate;

import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.core.rollout.RolloutState;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Everything needed to evaluate one rollout's features for any user, without its plan: the part of a
 * rollout that an SDK receives.
 *
 * @param key               rollout key
 * @param state             rollout state
 * @param currentPhase      1-based current phase
 * @param featuresWithdrawn a hard pause is in force
 * @param features          the features in unlocking order
 * @param enrolled          ids of enrolled beta users
 * @param waitlisted        ids of waitlisted users
 */
public record RolloutRules(String key, RolloutState state, int currentPhase, boolean featuresWithdrawn,
                           List<FeatureRule> features, Set<String> enrolled, Set<String> waitlisted) {

    public RolloutRules {
        features = List.copyOf(features);
        enrolled = Set.copyOf(enrolled);
        waitlisted = Set.copyOf(waitlisted);
    }

    /** The rules of a rollout as it stands, with the given kill switches and members. */
    public static RolloutRules of(Rollout rollout, Predicate<String> killed, Set<String> enrolled, Set<String> waitlisted) {
        Plan plan = rollout.plan();
        List<FeatureRule> features = new ArrayList<>();
        plan.unlockingPhases().forEach((feature, phase) -> features.add(new FeatureRule(feature, phase,
                plan.percentageFor(feature, rollout.currentPhase()), killed.test(feature))));
        return new RolloutRules(rollout.key(), rollout.state(), rollout.currentPhase(), rollout.featuresWithdrawn(),
                features, enrolled, waitlisted);
    }

    /** The user's membership in this rollout's beta. */
    public Membership membership(String userId) {
        if (userId == null) {
            return Membership.NONE;
        }
        if (enrolled.contains(userId)) {
            return Membership.ENROLLED;
        }
        return waitlisted.contains(userId) ? Membership.WAITLISTED : Membership.NONE;
    }
}
