package dev.phasegate.core.gate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates any feature for any user from one {@link RulesSnapshot}. Immutable and thread-safe; build a
 * new one for each snapshot. {@link #isEnabled} allocates nothing.
 *
 * <pre>{@code
 * Evaluator evaluator = Evaluator.of(snapshot);
 * if (evaluator.isEnabled("ai-analysis", userId)) { ... }
 * }</pre>
 */
public final class Evaluator {

    /** A feature's rollout, compiled, with the feature's own compiled gate: one lookup per evaluation. */
    private record Entry(RolloutRules rules, RolloutGate gate, RolloutGate.FeatureGate feature) {
    }

    private final RulesSnapshot snapshot;
    private final Map<String, Entry> byFeature;
    private final List<Entry> entries;

    private Evaluator(RulesSnapshot snapshot, Map<String, Entry> byFeature, List<Entry> entries) {
        this.snapshot = snapshot;
        this.byFeature = byFeature;
        this.entries = entries;
    }

    public static Evaluator of(RulesSnapshot snapshot) {
        Map<String, Entry> byFeature = new HashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (RolloutRules rules : snapshot.rollouts()) {
            RolloutGate gate = RolloutGate.of(rules);
            entries.add(new Entry(rules, gate, null));
            for (RolloutGate.FeatureGate feature : gate.featureGates()) {
                byFeature.put(feature.key(), new Entry(rules, gate, feature));
            }
        }
        return new Evaluator(snapshot, Map.copyOf(byFeature), List.copyOf(entries));
    }

    public long version() {
        return snapshot.version();
    }

    public RulesSnapshot snapshot() {
        return snapshot;
    }

    /** The rules of the rollout that owns {@code feature}, or null if no rollout has it. */
    public RolloutRules rolloutOf(String feature) {
        Entry entry = feature == null ? null : byFeature.get(feature);
        return entry == null ? null : entry.rules();
    }

    /** One feature for one user. Never throws; an unknown feature is {@link Reason#UNKNOWN_FEATURE}. */
    public Evaluation evaluate(String feature, String userId) {
        Entry entry = feature == null ? null : byFeature.get(feature);
        if (entry == null) {
            return new Evaluation(feature, false, Reason.UNKNOWN_FEATURE);
        }
        return entry.feature().evaluate(userId, entry.rules().membership(userId));
    }

    /** Whether the user gets the feature: the hot path of an application. Allocates nothing. */
    public boolean isEnabled(String feature, String userId) {
        Entry entry = feature == null ? null : byFeature.get(feature);
        return entry != null && entry.feature().isEnabled(userId);
    }

    /** Every feature of every rollout for one user, rollout by rollout in unlocking order. */
    public List<Evaluation> evaluateAll(String userId) {
        List<Evaluation> result = new ArrayList<>();
        for (Entry entry : entries) {
            result.addAll(entry.gate().evaluateAll(userId, entry.rules().membership(userId)));
        }
        return Collections.unmodifiableList(result);
    }
}
