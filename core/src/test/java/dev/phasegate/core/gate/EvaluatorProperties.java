package dev.phasegate.core.gate;

import dev.phasegate.core.rollout.RolloutState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The allocation-free {@code isEnabled} path answers exactly what {@code evaluate} answers. */
class EvaluatorProperties {

    @Provide
    Arbitrary<RulesSnapshot> snapshots() {
        Arbitrary<Set<String>> members = Arbitraries.integers().between(0, 40).map(i -> "u" + i).set().ofMaxSize(15);
        Arbitrary<RolloutRules> rollout = Combinators.combine(Arbitraries.of(RolloutState.class), Arbitraries.integers().between(1, 4),
                Arbitraries.of(true, false), Arbitraries.integers().between(0, 100).list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.of(true, false).list().ofSize(4), members, members).as((state, phase, withdrawn, percentages, kills, enrolled, waitlisted) -> {
                    List<FeatureRule> features = new ArrayList<>();
                    for (int i = 0; i < percentages.size(); i++) {
                        features.add(new FeatureRule("f" + i + "-" + state + phase, 1 + i, percentages.get(i), kills.get(i)));
                    }
                    Set<String> onlyWaiting = new HashSet<>(waitlisted);
                    onlyWaiting.removeAll(enrolled);
                    return new RolloutRules("r-" + state + phase, state, phase, withdrawn, features, enrolled, onlyWaiting);
                });
        return rollout.map(r -> new RulesSnapshot(1, List.of(r)));
    }

    @Property(tries = 2000)
    void is_enabled_agrees_with_evaluate_for_every_feature_and_user(@ForAll("snapshots") RulesSnapshot snapshot) {
        Evaluator evaluator = Evaluator.of(snapshot);
        for (FeatureRule feature : snapshot.rollouts().get(0).features()) {
            for (int u = 0; u < 60; u++) {
                String user = u < 50 ? "u" + u : "stranger-" + u;
                assertThat(evaluator.isEnabled(feature.key(), user)).as("%s %s", feature, user)
                        .isEqualTo(evaluator.evaluate(feature.key(), user).enabled());
            }
            assertThat(evaluator.isEnabled(feature.key(), null)).isEqualTo(evaluator.evaluate(feature.key(), null).enabled());
        }
        assertThat(evaluator.isEnabled("unknown", "u1")).isFalse();
        assertThat(evaluator.isEnabled(null, "u1")).isFalse();
    }
}
