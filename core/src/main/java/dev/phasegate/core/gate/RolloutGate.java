package dev.phasegate.core.gate;

import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.core.rollout.RolloutState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The gating rules of one rollout, compiled once so each evaluation is a map lookup and at most one
 * hash, and allocates nothing (the answers are made in advance). Immutable and thread-safe. The
 * server and the SDK both evaluate through this class.
 *
 * <pre>{@code
 * RolloutGate gate = RolloutGate.of(rollout);
 * Evaluation e = gate.evaluate("ai-analysis", "user-42", Membership.ENROLLED, killSwitches::contains);
 * }</pre>
 */
public final class RolloutGate {

    /** A feature's rule with every possible answer for it, made once. */
    private record Compiled(FeatureRule rule, Evaluation[] answers) {
        Evaluation answer(Reason reason) {
            return answers[reason.ordinal()];
        }
    }

    private static final Reason[] REASONS = Reason.values();

    private final String rolloutKey;
    private final RolloutState state;
    private final int currentPhase;
    private final boolean featuresWithdrawn;
    private final Map<String, Compiled> features;

    private RolloutGate(RolloutRules rules) {
        this.rolloutKey = rules.key();
        this.state = rules.state();
        this.currentPhase = rules.currentPhase();
        this.featuresWithdrawn = rules.featuresWithdrawn();
        Map<String, Compiled> compiled = new LinkedHashMap<>();
        for (FeatureRule rule : rules.features()) {
            Evaluation[] answers = new Evaluation[REASONS.length];
            for (Reason reason : REASONS) {
                answers[reason.ordinal()] = Evaluation.of(rule.key(), reason);
            }
            compiled.put(rule.key(), new Compiled(rule, answers));
        }
        this.features = Collections.unmodifiableMap(compiled);
    }

    /** The gate of a rollout as stored, with no kill switch on (pass them to {@code evaluate}). */
    public static RolloutGate of(Rollout rollout) {
        return new RolloutGate(RolloutRules.of(rollout, f -> false, Set.of(), Set.of()));
    }

    /** The gate of published rules, kill switches included. */
    public static RolloutGate of(RolloutRules rules) {
        return new RolloutGate(rules);
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
        return feature != null && features.containsKey(feature);
    }

    /**
     * Evaluates one feature for one user. Never throws for any input.
     *
     * @param feature    the feature key
     * @param userId     the user's id (used for percentage bucketing)
     * @param membership whether the user is an enrolled beta user, waitlisted, or neither
     * @param killed     which features have their kill switch on (besides those the rules mark)
     */
    public Evaluation evaluate(String feature, String userId, Membership membership, Predicate<String> killed) {
        Compiled compiled = feature == null ? null : features.get(feature);
        if (compiled == null) {
            return Evaluation.of(feature, Reason.UNKNOWN_FEATURE);
        }
        if (killed != null && killed.test(feature)) {
            return compiled.answer(Reason.KILL_SWITCH);
        }
        return evaluate(compiled, userId, membership);
    }

    /** Evaluates one feature for one user with the kill switches of the rules. Never throws. */
    public Evaluation evaluate(String feature, String userId, Membership membership) {
        Compiled compiled = feature == null ? null : features.get(feature);
        if (compiled == null) {
            return Evaluation.of(feature, Reason.UNKNOWN_FEATURE);
        }
        return evaluate(compiled, userId, membership);
    }

    private Evaluation evaluate(Compiled compiled, String userId, Membership membership) {
        FeatureRule rule = compiled.rule();
        if (rule.killSwitch()) {
            return compiled.answer(Reason.KILL_SWITCH);
        }
        switch (state) {
            case ROLLING_BACK, ROLLED_BACK -> {
                return compiled.answer(Reason.ROLLED_BACK);
            }
            case DRAFT -> {
                return compiled.answer(Reason.NOT_STARTED);
            }
            case COMPLETED -> {
                return compiled.answer(Reason.COMPLETED);
            }
            case PAUSED -> {
                if (featuresWithdrawn) {
                    return compiled.answer(Reason.PAUSED);
                }
            }
            default -> {
                // active, or paused keeping features: decided below
            }
        }
        Membership m = membership == null ? Membership.NONE : membership;
        boolean unlocked = rule.unlockedAt() <= currentPhase;
        if (m == Membership.ENROLLED && unlocked) {
            return compiled.answer(Reason.ENROLLED_PHASE);
        }
        if (unlocked && userId != null && Bucketing.inRamp(rule.key(), userId, rule.percentage())) {
            return compiled.answer(Reason.PERCENTAGE);
        }
        return compiled.answer(switch (m) {
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

    /** Every feature of the rollout for one user with the rules' kill switches. */
    public List<Evaluation> evaluateAll(String userId, Membership membership) {
        List<Evaluation> result = new ArrayList<>(features.size());
        for (Compiled compiled : features.values()) {
            result.add(evaluate(compiled, userId, membership));
        }
        return result;
    }
}
