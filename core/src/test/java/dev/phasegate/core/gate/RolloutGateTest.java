package dev.phasegate.core.gate;

import dev.phasegate.core.plan.Phase;
import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.plan.Plans;
import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.core.rollout.RolloutState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.WithNull;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static dev.phasegate.core.plan.Plans.phase;
import static dev.phasegate.core.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

class RolloutGateTest {

    private static final Predicate<String> NONE_KILLED = feature -> false;

    // From the pinned vectors in BucketingTest: bucket("basic-trading", "user-42") is 40.
    private static final String USER_IN_BUCKET_40 = "user-42";

    @Test
    void features_are_cumulative_across_phases() {
        RolloutGate gate = gate(Plans.reference(), RolloutState.ACTIVE, 2);

        assertThat(gate.evaluateAll("user-1", Membership.ENROLLED, NONE_KILLED))
                .extracting(Evaluation::feature, Evaluation::reason)
                .containsExactly(
                        tuple("basic-trading", Reason.ENROLLED_PHASE),
                        tuple("portfolio-view", Reason.ENROLLED_PHASE),
                        tuple("ai-analysis", Reason.ENROLLED_PHASE),
                        tuple("advanced-strategies", Reason.PHASE_NOT_REACHED));
    }

    @Test
    void an_enrolled_user_gets_every_feature_once_the_last_feature_phase_is_reached() {
        RolloutGate gate = gate(Plans.reference(), RolloutState.ACTIVE, 4);

        assertThat(gate.evaluateAll("user-1", Membership.ENROLLED, NONE_KILLED))
                .allSatisfy(e -> assertThat(e.reason()).isEqualTo(Reason.ENROLLED_PHASE))
                .allSatisfy(e -> assertThat(e.enabled()).isTrue());
    }

    @Test
    void an_enrolled_user_does_not_get_a_feature_of_a_later_phase() {
        Evaluation e = gate(Plans.reference(), RolloutState.ACTIVE, 1)
                .evaluate("ai-analysis", "user-1", Membership.ENROLLED, NONE_KILLED);

        assertThat(e).isEqualTo(new Evaluation("ai-analysis", false, Reason.PHASE_NOT_REACHED));
    }

    @Test
    void kill_switch_turns_a_feature_off_for_enrolled_users() {
        RolloutGate gate = gate(Plans.reference(), RolloutState.ACTIVE, 2);
        Predicate<String> killed = Set.of("ai-analysis")::contains;

        assertThat(gate.evaluate("ai-analysis", "user-1", Membership.ENROLLED, killed))
                .isEqualTo(new Evaluation("ai-analysis", false, Reason.KILL_SWITCH));
        assertThat(gate.evaluate("basic-trading", "user-1", Membership.ENROLLED, killed).reason())
                .isEqualTo(Reason.ENROLLED_PHASE);
    }

    @ParameterizedTest
    @EnumSource(RolloutState.class)
    void kill_switch_wins_in_every_state(RolloutState state) {
        Plan everyoneAtFullRamp = plan(phase("pilot", 5, 100, "basic-trading"));

        Evaluation e = gate(everyoneAtFullRamp, state, 1)
                .evaluate("basic-trading", "user-1", Membership.ENROLLED, Set.of("basic-trading")::contains);

        assertThat(e.reason()).isEqualTo(Reason.KILL_SWITCH);
        assertThat(e.enabled()).isFalse();
    }

    @Test
    void a_paused_rollout_keeps_its_features_on() {
        Plan plan = plan(phase("pilot", 5, 50, "basic-trading"), phase("general", 100, 0));
        RolloutGate gate = gate(new Rollout(plan, RolloutState.PAUSED, 1, 3, 0, false));

        assertThat(gate.evaluate("basic-trading", "user-1", Membership.ENROLLED, NONE_KILLED).reason())
                .isEqualTo(Reason.ENROLLED_PHASE);
        assertThat(gate.evaluate("basic-trading", USER_IN_BUCKET_40, Membership.NONE, NONE_KILLED).reason())
                .isEqualTo(Reason.PERCENTAGE);
    }

    @Test
    void a_hard_pause_withdraws_features_from_everyone() {
        Plan plan = plan(phase("pilot", 5, 50, "basic-trading"), phase("general", 100, 0));
        RolloutGate gate = gate(new Rollout(plan, RolloutState.PAUSED, 1, 3, 0, true));

        assertThat(gate.evaluate("basic-trading", "user-1", Membership.ENROLLED, NONE_KILLED))
                .isEqualTo(new Evaluation("basic-trading", false, Reason.PAUSED));
        assertThat(gate.evaluate("basic-trading", USER_IN_BUCKET_40, Membership.NONE, NONE_KILLED).reason())
                .isEqualTo(Reason.PAUSED);
    }

    @Test
    void a_draft_rollout_has_not_started_for_anyone() {
        RolloutGate gate = gate(Plans.reference(), RolloutState.DRAFT, 1);

        assertThat(gate.evaluate("basic-trading", "user-1", Membership.ENROLLED, NONE_KILLED))
                .isEqualTo(new Evaluation("basic-trading", false, Reason.NOT_STARTED));
    }

    @ParameterizedTest
    @EnumSource(value = RolloutState.class, names = {"ROLLING_BACK", "ROLLED_BACK"})
    void a_full_rollback_has_every_feature_off(RolloutState state) {
        RolloutGate gate = gate(new Rollout(Plans.reference(), state, 2, 0, 0, true));

        assertThat(gate.evaluateAll("user-1", Membership.ENROLLED, NONE_KILLED))
                .allSatisfy(e -> assertThat(e.reason()).isEqualTo(Reason.ROLLED_BACK))
                .noneMatch(Evaluation::enabled);
    }

    @ParameterizedTest
    @EnumSource(value = RolloutState.class, names = {"ROLLING_BACK", "ROLLED_BACK"})
    void a_reverted_rollback_serves_the_phase_it_reverted_to_and_withdraws_the_rest(RolloutState state) {
        // Reverted from phase 3 to 2: phase 1 and 2 features stay for enrolled users, phase 3 and 4 are rolled back.
        RolloutGate gate = gate(Plans.reference(), state, 2);
        List<String> keys = gate.featureKeys();
        Plan plan = Plans.reference();

        for (String feature : keys) {
            Evaluation e = gate.evaluate(feature, "user-1", Membership.ENROLLED, NONE_KILLED);
            if (plan.unlockingPhases().get(feature) <= 2) {
                assertThat(e).isEqualTo(new Evaluation(feature, true, Reason.ENROLLED_PHASE));
            } else {
                assertThat(e).isEqualTo(new Evaluation(feature, false, Reason.ROLLED_BACK));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Membership.class)
    void a_completed_rollout_has_every_feature_on_for_everyone(Membership membership) {
        RolloutGate gate = gate(Plans.reference(), RolloutState.COMPLETED, 4);

        assertThat(gate.evaluateAll("anyone", membership, NONE_KILLED))
                .hasSize(4)
                .allSatisfy(e -> assertThat(e.reason()).isEqualTo(Reason.COMPLETED))
                .allMatch(Evaluation::enabled);
        assertThat(gate.evaluate("basic-trading", null, membership, NONE_KILLED).enabled()).isTrue();
    }

    @Test
    void a_waitlisted_user_does_not_get_unlocked_features() {
        Evaluation e = gate(Plans.reference(), RolloutState.ACTIVE, 2)
                .evaluate("basic-trading", "user-1", Membership.WAITLISTED, NONE_KILLED);

        assertThat(e).isEqualTo(new Evaluation("basic-trading", false, Reason.WAITLISTED));
    }

    @Test
    void a_user_outside_the_beta_program_and_outside_any_ramp_is_not_enrolled() {
        Evaluation e = gate(Plans.reference(), RolloutState.ACTIVE, 2)
                .evaluate("basic-trading", "user-1", Membership.NONE, NONE_KILLED);

        assertThat(e).isEqualTo(new Evaluation("basic-trading", false, Reason.NOT_ENROLLED));
    }

    @Test
    void a_user_whose_bucket_is_below_the_ramp_gets_the_feature_by_percentage() {
        RolloutGate at41 = gate(plan(phase("pilot", 5, 41, "basic-trading")), RolloutState.ACTIVE, 1);
        RolloutGate at40 = gate(plan(phase("pilot", 5, 40, "basic-trading")), RolloutState.ACTIVE, 1);

        assertThat(at41.evaluate("basic-trading", USER_IN_BUCKET_40, Membership.NONE, NONE_KILLED))
                .isEqualTo(new Evaluation("basic-trading", true, Reason.PERCENTAGE));
        assertThat(at40.evaluate("basic-trading", USER_IN_BUCKET_40, Membership.NONE, NONE_KILLED).reason())
                .isEqualTo(Reason.NOT_ENROLLED);
    }

    @ParameterizedTest
    @EnumSource(value = Membership.class, names = {"WAITLISTED", "NONE"})
    void a_ramp_also_reaches_waitlisted_users_and_users_outside_the_program(Membership membership) {
        RolloutGate gate = gate(plan(phase("pilot", 5, 100, "basic-trading")), RolloutState.ACTIVE, 1);

        assertThat(gate.evaluate("basic-trading", "user-1", membership, NONE_KILLED).reason())
                .isEqualTo(Reason.PERCENTAGE);
    }

    @Test
    void a_ramp_does_not_reach_features_of_a_later_phase() {
        Plan plan = plan(phase("pilot", 5, 100, "basic-trading"), phase("general", 100, 100, "ai-analysis"));
        RolloutGate gate = gate(plan, RolloutState.ACTIVE, 1);

        assertThat(gate.evaluate("ai-analysis", "user-1", Membership.NONE, NONE_KILLED).reason())
                .isEqualTo(Reason.NOT_ENROLLED);
        assertThat(gate.evaluate("ai-analysis", "user-1", Membership.ENROLLED, NONE_KILLED).reason())
                .isEqualTo(Reason.PHASE_NOT_REACHED);
    }

    @Test
    void the_ramp_of_a_feature_is_the_highest_percentage_declared_since_it_was_unlocked() {
        Plan plan = plan(
                phase("pilot", 5, 30, "basic-trading"),
                phase("early-access", 15, 10, "ai-analysis"),
                phase("broad-beta", 50, 20),
                phase("general", 100, 5));

        assertThat(List.of(1, 2, 3, 4)).map(current -> plan.percentageFor("basic-trading", current))
                .containsExactly(30, 30, 30, 30);
        assertThat(List.of(1, 2, 3, 4)).map(current -> plan.percentageFor("ai-analysis", current))
                .containsExactly(0, 10, 20, 20);
        assertThat(plan.percentageFor("no-such-feature", 4)).isZero();
    }

    @Test
    void lowering_the_percentage_in_a_later_phase_does_not_remove_a_user_who_had_the_feature() {
        Plan plan = plan(phase("pilot", 5, 50, "basic-trading"), phase("general", 100, 10));

        assertThat(gate(plan, RolloutState.ACTIVE, 1)
                .evaluate("basic-trading", USER_IN_BUCKET_40, Membership.NONE, NONE_KILLED).enabled()).isTrue();
        assertThat(gate(plan, RolloutState.ACTIVE, 2)
                .evaluate("basic-trading", USER_IN_BUCKET_40, Membership.NONE, NONE_KILLED).enabled()).isTrue();
    }

    @Property
    void advancing_a_phase_never_removes_a_user_from_a_feature(
            @ForAll @Size(min = 2, max = 6) List<@IntRange(min = 0, max = 100) Integer> percentages,
            @ForAll @IntRange(min = 0, max = 5) int unlockingIndex,
            @ForAll("userIds") String userId,
            @ForAll Membership membership) {
        int unlockedAt = Math.min(unlockingIndex, percentages.size() - 1) + 1;
        Plan plan = rampPlan(percentages, unlockedAt);

        for (int current = 1; current < plan.phaseCount(); current++) {
            assertThat(plan.percentageFor("feature", current)).isLessThanOrEqualTo(plan.percentageFor("feature", current + 1));
            boolean before = gate(plan, RolloutState.ACTIVE, current).evaluate("feature", userId, membership, NONE_KILLED).enabled();
            boolean after = gate(plan, RolloutState.ACTIVE, current + 1).evaluate("feature", userId, membership, NONE_KILLED).enabled();
            if (before) {
                assertThat(after).as("enabled in phase %d, so in phase %d too", current, current + 1).isTrue();
            }
        }
    }

    @Property
    void a_user_outside_the_program_gets_an_unlocked_feature_exactly_when_their_bucket_is_inside_the_ramp(
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 100) Integer> percentages,
            @ForAll("userIds") String userId) {
        Plan plan = rampPlan(percentages, 1);

        for (int current = 1; current <= plan.phaseCount(); current++) {
            Evaluation e = gate(plan, RolloutState.ACTIVE, current).evaluate("feature", userId, Membership.NONE, NONE_KILLED);
            boolean inRamp = Bucketing.bucket("feature", userId) < plan.percentageFor("feature", current);
            assertThat(e.reason()).isEqualTo(inRamp ? Reason.PERCENTAGE : Reason.NOT_ENROLLED);
        }
    }

    @Provide
    Arbitrary<String> userIds() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(40);
    }

    @ParameterizedTest
    @EnumSource(RolloutState.class)
    void a_feature_no_rollout_has_is_unknown(RolloutState state) {
        RolloutGate gate = gate(Plans.reference(), state, 1);

        assertThat(gate.evaluate("no-such-feature", "user-1", Membership.ENROLLED, NONE_KILLED))
                .isEqualTo(new Evaluation("no-such-feature", false, Reason.UNKNOWN_FEATURE));
        assertThat(gate.evaluate(null, "user-1", Membership.ENROLLED, NONE_KILLED).reason())
                .isEqualTo(Reason.UNKNOWN_FEATURE);
        assertThat(gate.hasFeature("no-such-feature")).isFalse();
    }

    @Test
    void a_user_without_an_id_is_never_inside_a_ramp_but_keeps_what_membership_gives() {
        RolloutGate gate = gate(plan(phase("pilot", 5, 50, "basic-trading")), RolloutState.ACTIVE, 1);

        assertThat(gate.evaluate("basic-trading", null, Membership.NONE, NONE_KILLED).reason())
                .isEqualTo(Reason.NOT_ENROLLED);
        assertThat(gate.evaluate("basic-trading", null, Membership.ENROLLED, NONE_KILLED).reason())
                .isEqualTo(Reason.ENROLLED_PHASE);
    }

    @Property
    void evaluate_never_throws_on_a_missing_user_id(@ForAll RolloutState state,
                                                    @ForAll @IntRange(min = 1, max = 4) int current,
                                                    @ForAll boolean featuresWithdrawn,
                                                    @ForAll Membership membership,
                                                    @ForAll @WithNull String feature,
                                                    @ForAll @IntRange(min = 0, max = 100) int percentage) {
        Plan plan = plan(
                phase("pilot", 5, percentage, "basic-trading", "portfolio-view"),
                phase("early-access", 15, percentage, "ai-analysis"),
                phase("broad-beta", 50, percentage, "advanced-strategies"),
                phase("general", 100, percentage));
        RolloutGate gate = gate(new Rollout(plan, state, current, 0, 0, featuresWithdrawn));

        for (String f : new String[]{feature, "basic-trading", "advanced-strategies"}) {
            assertThatCode(() -> gate.evaluate(f, null, membership, NONE_KILLED)).doesNotThrowAnyException();
            Evaluation e = gate.evaluate(f, null, membership, NONE_KILLED);
            assertThat(e.enabled()).isEqualTo(e.reason().enables());
            assertThat(e.reason()).isNotEqualTo(Reason.PERCENTAGE);
        }
    }

    @Test
    void every_reason_is_reachable() {
        Plan rampPlan = plan(phase("pilot", 5, 100, "basic-trading"), phase("general", 100, 100, "ai-analysis"));
        Set<Reason> seen = EnumSet.noneOf(Reason.class);
        Predicate<String> killed = Set.of("basic-trading")::contains;

        seen.add(gate(Plans.reference(), RolloutState.ACTIVE, 1).evaluate("basic-trading", "u", Membership.ENROLLED, NONE_KILLED).reason());
        seen.add(gate(rampPlan, RolloutState.ACTIVE, 1).evaluate("basic-trading", "u", Membership.NONE, NONE_KILLED).reason());
        seen.add(gate(Plans.reference(), RolloutState.COMPLETED, 4).evaluate("basic-trading", "u", Membership.NONE, NONE_KILLED).reason());
        seen.add(gate(Plans.reference(), RolloutState.ACTIVE, 1).evaluate("basic-trading", "u", Membership.NONE, NONE_KILLED).reason());
        seen.add(gate(Plans.reference(), RolloutState.ACTIVE, 1).evaluate("basic-trading", "u", Membership.WAITLISTED, NONE_KILLED).reason());
        seen.add(gate(Plans.reference(), RolloutState.ACTIVE, 1).evaluate("ai-analysis", "u", Membership.ENROLLED, NONE_KILLED).reason());
        seen.add(gate(Plans.reference(), RolloutState.DRAFT, 1).evaluate("basic-trading", "u", Membership.ENROLLED, NONE_KILLED).reason());
        seen.add(gate(new Rollout(Plans.reference(), RolloutState.PAUSED, 1, 0, 0, true)).evaluate("basic-trading", "u", Membership.ENROLLED, NONE_KILLED).reason());
        seen.add(gate(Plans.reference(), RolloutState.ACTIVE, 1).evaluate("basic-trading", "u", Membership.ENROLLED, killed).reason());
        seen.add(gate(new Rollout(Plans.reference(), RolloutState.ROLLED_BACK, 1, 0, 0, true)).evaluate("basic-trading", "u", Membership.ENROLLED, NONE_KILLED).reason());
        seen.add(gate(Plans.reference(), RolloutState.ACTIVE, 1).evaluate("no-such-feature", "u", Membership.ENROLLED, NONE_KILLED).reason());

        assertThat(seen).containsExactlyInAnyOrder(Reason.values());
    }

    @Test
    void reasons_have_lowercase_dashed_api_names_and_only_three_enable_a_feature() {
        assertThat(Reason.PHASE_NOT_REACHED.apiName()).isEqualTo("phase-not-reached");
        assertThat(Reason.KILL_SWITCH.apiName()).isEqualTo("kill-switch");
        assertThat(EnumSet.allOf(Reason.class)).filteredOn(Reason::enables)
                .containsExactlyInAnyOrder(Reason.ENROLLED_PHASE, Reason.PERCENTAGE, Reason.COMPLETED);
    }

    @Test
    void a_gate_lists_its_rollout_key_current_phase_and_features_in_unlocking_order() {
        RolloutGate gate = gate(Plans.reference(), RolloutState.ACTIVE, 3);

        assertThat(gate.rolloutKey()).isEqualTo(Plans.KEY);
        assertThat(gate.currentPhase()).isEqualTo(3);
        assertThat(gate.featureKeys())
                .containsExactly("basic-trading", "portfolio-view", "ai-analysis", "advanced-strategies");
        assertThat(gate.hasFeature("advanced-strategies")).isTrue();
    }

    /** A plan whose phase i has percentages[i] and whose one feature, "feature", phase unlockedAt unlocks. */
    private static Plan rampPlan(List<Integer> percentages, int unlockedAt) {
        List<Phase> phases = new ArrayList<>();
        for (int i = 0; i < percentages.size(); i++) {
            String[] features = i + 1 == unlockedAt ? new String[]{"feature"} : new String[0];
            phases.add(phase("phase-" + (i + 1), (i + 1) * 10, percentages.get(i), features));
        }
        return Plans.withPhases(Plans.reference(), phases);
    }

    private static RolloutGate gate(Plan plan, RolloutState state, int currentPhase) {
        return gate(new Rollout(plan, state, currentPhase, 0, 0, false));
    }

    private static RolloutGate gate(Rollout rollout) {
        return RolloutGate.of(rollout);
    }
}
