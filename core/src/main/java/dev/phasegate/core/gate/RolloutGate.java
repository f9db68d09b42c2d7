package dev.phasegate.core.gate;

import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.core.rollout.RolloutState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The gating rules of one rollout, compiled once so each evaluation is a map lookup and at most one
 * hash of the user's id, and allocates nothing (the answers are made in advance). Immutable and
 * thread-safe. The server and the SDK both evaluate through this class.
 *
 * <pre>{@code
 * RolloutGate gate = RolloutGate.of(rollout);
 * Evaluation e = gate.evaluate("ai-analysis", "user-42", Membership.ENROLLED, killSwitches::contains);
 * }</pre>
 */
public final class RolloutGate {

    private static final Reason[] REASONS = Reason.values();

    /**
     * One feature of the rollout, compiled: its rule, every possible answer, its hash prefix, and, when
     * the outcome does not depend on the user (kill switch, state, a locked phase), that outcome.
     */
    public static final class FeatureGate {
        /** Outcome for every user, or DEPENDS_ON_USER. */
        private static final byte DEPENDS_ON_USER = -1;

        private final FeatureRule rule;
        private final Evaluation[] answers;
        private final Bucketing.Prefix prefix;
        private final Reason fixedReason;
        private final boolean unlocked;
        private final int percentage;
        private final Members enrolled;
        private final byte fixed;

        private FeatureGate(FeatureRule rule, RolloutState state, int currentPhase, boolean featuresWithdrawn, Members enrolled) {
            this.rule = rule;
            this.answers = new Evaluation[REASONS.length];
            for (Reason reason : REASONS) {
                answers[reason.ordinal()] = Evaluation.of(rule.key(), reason);
            }
            this.prefix = Bucketing.prefix(rule.key());
            this.unlocked = rule.unlockedAt() <= currentPhase;
            this.percentage = rule.percentage();
            this.enrolled = enrolled;
            this.fixedReason = fixedReason(rule, state, featuresWithdrawn, unlocked);
            this.fixed = fixedReason != null ? (byte) (fixedReason.enables() ? 1 : 0) : unlocked ? DEPENDS_ON_USER : 0;
        }

        /** The reason that holds for every user whatever their membership, or null. */
        private static Reason fixedReason(FeatureRule rule, RolloutState state, boolean featuresWithdrawn, boolean unlocked) {
            if (rule.killSwitch()) {
                return Reason.KILL_SWITCH;
            }
            return switch (state) {
                // A rollback serves the phase it reverted to; whatever lies beyond it was rolled back.
                case ROLLING_BACK, ROLLED_BACK -> featuresWithdrawn || !unlocked ? Reason.ROLLED_BACK : null;
                case DRAFT -> Reason.NOT_STARTED;
                case COMPLETED -> Reason.COMPLETED;
                case PAUSED -> featuresWithdrawn ? Reason.PAUSED : null;
                default -> null;
            };
        }

        public String key() {
            return rule.key();
        }

        /**
         * Whether the user gets the feature, using the members the gate was built with. The hot path:
         * no allocation, at most one set lookup and one hash of the id.
         */
        public boolean isEnabled(String userId) {
            if (fixed != DEPENDS_ON_USER) {
                return fixed == 1;
            }
            if (userId == null) {
                return false;
            }
            return enrolled.contains(userId) || (percentage > 0 && (percentage >= 100 || prefix.bucket(userId) < percentage));
        }

        /** The evaluation for a user with the given membership. Never throws. */
        public Evaluation evaluate(String userId, Membership membership) {
            if (fixedReason != null) {
                return answers[fixedReason.ordinal()];
            }
            Membership m = membership == null ? Membership.NONE : membership;
            if (m == Membership.ENROLLED && unlocked) {
                return answers[Reason.ENROLLED_PHASE.ordinal()];
            }
            if (unlocked && userId != null && prefix.inRamp(userId, percentage)) {
                return answers[Reason.PERCENTAGE.ordinal()];
            }
            return answers[(switch (m) {
                case ENROLLED -> Reason.PHASE_NOT_REACHED;
                case WAITLISTED -> Reason.WAITLISTED;
                case NONE -> Reason.NOT_ENROLLED;
            }).ordinal()];
        }

        Evaluation killed() {
            return answers[Reason.KILL_SWITCH.ordinal()];
        }
    }

    private final String rolloutKey;
    private final int currentPhase;
    private final Map<String, FeatureGate> features;

    private RolloutGate(RolloutRules rules) {
        this.rolloutKey = rules.key();
        this.currentPhase = rules.currentPhase();
        Map<String, FeatureGate> compiled = new LinkedHashMap<>();
        Members members = new Members(rules.enrolled());
        for (FeatureRule rule : rules.features()) {
            compiled.put(rule.key(), new FeatureGate(rule, rules.state(), rules.currentPhase(), rules.featuresWithdrawn(), members));
        }
        this.features = Collections.unmodifiableMap(compiled);
    }

    /** The gate of a rollout as stored, with no kill switch on (pass them to {@code evaluate}). */
    public static RolloutGate of(Rollout rollout) {
        return new RolloutGate(RolloutRules.of(rollout, f -> false, Set.of(), Set.of()));
    }

    /** The gate of published rules, kill switches and members included. */
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

    /** The compiled features, in unlocking order. */
    public Collection<FeatureGate> featureGates() {
        return features.values();
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
        FeatureGate gate = feature == null ? null : features.get(feature);
        if (gate == null) {
            return Evaluation.of(feature, Reason.UNKNOWN_FEATURE);
        }
        if (killed != null && killed.test(feature)) {
            return gate.killed();
        }
        return gate.evaluate(userId, membership);
    }

    /** Evaluates one feature for one user with the kill switches of the rules. Never throws. */
    public Evaluation evaluate(String feature, String userId, Membership membership) {
        FeatureGate gate = feature == null ? null : features.get(feature);
        if (gate == null) {
            return Evaluation.of(feature, Reason.UNKNOWN_FEATURE);
        }
        return gate.evaluate(userId, membership);
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
        for (FeatureGate gate : features.values()) {
            result.add(gate.evaluate(userId, membership));
        }
        return result;
    }
}
