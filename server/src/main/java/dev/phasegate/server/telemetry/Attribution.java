package dev.phasegate.server.telemetry;

import dev.phasegate.core.gate.Membership;
import dev.phasegate.core.gate.RolloutRules;
import dev.phasegate.core.rollout.RolloutState;
import dev.phasegate.server.sdk.PublishedRules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which series an event counts in, from one published version of the rules. Built once per version (the
 * ingest path asks for it per batch), with each rollout's beta and control series resolved in advance.
 *
 * <p>An event naming a rollout counts as beta in the rollout's current phase when its user is enrolled,
 * else as control (phase 0). An event naming no rollout counts in every rollout that is active, paused or
 * rolling back, beta or control for each; except {@code feature_used}, whose feature names its one
 * rollout (feature keys are unique across rollouts), so it is counted there only.
 */
final class Attribution {

    /** One rollout's rules and its two series as of this version. */
    record Target(RolloutRules rules, Series beta, Series control, Set<String> features) {
        Series seriesFor(String userId) {
            return rules.membership(userId) == Membership.ENROLLED ? beta : control;
        }
    }

    private final PublishedRules source;
    private final Map<String, Target> byKey;
    private final Map<String, Target> byFeature;
    private final List<Target> attributable;

    private Attribution(PublishedRules source, Map<String, Target> byKey, Map<String, Target> byFeature, List<Target> attributable) {
        this.source = source;
        this.byKey = byKey;
        this.byFeature = byFeature;
        this.attributable = attributable;
    }

    static Attribution of(PublishedRules rules, Rollups rollups) {
        Map<String, Target> byKey = new HashMap<>();
        Map<String, Target> byFeature = new HashMap<>();
        List<Target> attributable = new ArrayList<>();
        for (RolloutRules r : rules.snapshot().rollouts()) {
            Set<String> features = new HashSet<>();
            r.features().forEach(f -> features.add(f.key()));
            Target target = new Target(r, rollups.series(r.key(), Cohort.BETA, r.currentPhase()),
                    rollups.series(r.key(), Cohort.CONTROL, 0), Set.copyOf(features));
            byKey.put(r.key(), target);
            features.forEach(f -> byFeature.put(f, target));
            if (r.state() == RolloutState.ACTIVE || r.state() == RolloutState.PAUSED || r.state() == RolloutState.ROLLING_BACK) {
                attributable.add(target);
            }
        }
        return new Attribution(rules, Map.copyOf(byKey), Map.copyOf(byFeature), List.copyOf(attributable));
    }

    PublishedRules source() {
        return source;
    }

    Target rollout(String key) {
        return byKey.get(key);
    }

    Target featureOwner(String feature) {
        return byFeature.get(feature);
    }

    /** The rollouts an event without a rollout key counts in. */
    List<Target> attributable() {
        return attributable;
    }
}
