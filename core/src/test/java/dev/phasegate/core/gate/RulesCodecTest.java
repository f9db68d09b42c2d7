package dev.phasegate.core.gate;

import dev.phasegate.core.rollout.RolloutState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RulesCodecTest {

    @Provide
    Arbitrary<RulesSnapshot> snapshots() {
        Arbitrary<FeatureRule> feature = Combinators.combine(Arbitraries.strings().ofMinLength(1).ofMaxLength(20),
                Arbitraries.integers().between(1, 5), Arbitraries.integers().between(0, 100), Arbitraries.of(true, false))
                .as(FeatureRule::new);
        Arbitrary<Set<String>> users = Arbitraries.strings().ofMaxLength(30).set().ofMaxSize(50);
        Arbitrary<RolloutRules> rollout = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10),
                Arbitraries.of(RolloutState.class), Arbitraries.integers().between(1, 5), Arbitraries.of(true, false),
                feature.list().ofMaxSize(5), users, users).as(RolloutRules::new);
        return Combinators.combine(Arbitraries.longs().greaterOrEqual(0), rollout.list().ofMaxSize(4)).as(RulesSnapshot::new);
    }

    @Property(tries = 500)
    void decoding_an_encoded_snapshot_gives_it_back(@ForAll("snapshots") RulesSnapshot snapshot) {
        assertThat(RulesCodec.decode(RulesCodec.encode(snapshot))).isEqualTo(snapshot);
    }

    @Property(tries = 2000)
    void garbage_is_refused_with_an_illegal_argument_never_anything_else(@ForAll byte[] garbage) {
        byte[] data = new byte[garbage.length + 4];
        data[0] = 'P';
        data[1] = 'G';
        data[2] = 'R';
        data[3] = 1;
        System.arraycopy(garbage, 0, data, 4, garbage.length);
        try {
            RulesCodec.decode(data);
        } catch (IllegalArgumentException expected) {
            // the only allowed failure
        }
    }

    @Property(tries = 300)
    void truncating_a_snapshot_is_detected(@ForAll("snapshots") RulesSnapshot snapshot, @ForAll Random random) {
        byte[] data = RulesCodec.encode(snapshot);
        int cut = random.nextInt(data.length);
        byte[] truncated = java.util.Arrays.copyOf(data, cut);
        assertThatThrownBy(() -> RulesCodec.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_hundred_thousand_enrolled_users_fit_in_well_under_a_megabyte() {
        Set<String> enrolled = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            enrolled.add("user-" + i);
        }
        RulesSnapshot snapshot = new RulesSnapshot(7, List.of(new RolloutRules("big", RolloutState.ACTIVE, 1, false,
                List.of(new FeatureRule("f", 1, 25, false)), enrolled, Set.of())));
        byte[] data = RulesCodec.encode(snapshot);
        assertThat(data.length).isLessThan(500_000);
        assertThat(RulesCodec.decode(data).rollouts().get(0).enrolled()).hasSize(100_000).contains("user-99999");
    }

    @Test
    void a_snapshot_with_another_magic_is_refused() {
        assertThatThrownBy(() -> RulesCodec.decode("{\"json\":true}".getBytes())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Phasegate rules snapshot");
    }
}
