package dev.phasegate.core.rollout;

import dev.phasegate.core.plan.Plans;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class PhaseStateMachineTest {

    /** One allowed transition: from {@code state} in phase {@code phase}, {@code action} leads to {@code next} in {@code nextPhase}. */
    record Step(RolloutState state, int phase, Action action, RolloutState next, int nextPhase) {
        @Override
        public String toString() {
            return state.apiName() + " (phase " + phase + ") --" + action.apiName() + "--> "
                    + next.apiName() + " (phase " + nextPhase + ")";
        }
    }

    /** Every allowed (state, action) pair; the reference plan has 4 phases. Every other pair is refused. */
    static final List<Step> ALLOWED = List.of(
            new Step(RolloutState.DRAFT, 1, Action.START, RolloutState.ACTIVE, 1),
            new Step(RolloutState.ACTIVE, 2, Action.ADVANCE, RolloutState.ACTIVE, 3),
            new Step(RolloutState.ACTIVE, 2, Action.PAUSE, RolloutState.PAUSED, 2),
            new Step(RolloutState.PAUSED, 2, Action.RESUME, RolloutState.ACTIVE, 2),
            new Step(RolloutState.ROLLED_BACK, 3, Action.RESUME, RolloutState.ACTIVE, 3),
            new Step(RolloutState.ACTIVE, 4, Action.COMPLETE, RolloutState.COMPLETED, 4),
            new Step(RolloutState.ACTIVE, 2, Action.ROLLBACK, RolloutState.ROLLING_BACK, 2),
            new Step(RolloutState.PAUSED, 2, Action.ROLLBACK, RolloutState.ROLLING_BACK, 2),
            new Step(RolloutState.ROLLING_BACK, 2, Action.DISABLE_FEATURES, RolloutState.ROLLING_BACK, 1),
            new Step(RolloutState.ROLLING_BACK, 2, Action.FINISH_ROLLBACK, RolloutState.ROLLED_BACK, 2));

    static List<Step> allowed() {
        return ALLOWED;
    }

    static Stream<Arguments> refused() {
        List<Arguments> refused = new ArrayList<>();
        for (RolloutState state : RolloutState.values()) {
            for (Action action : Action.values()) {
                if (ALLOWED.stream().noneMatch(s -> s.state() == state && s.action() == action)) {
                    refused.add(Arguments.of(state, action));
                }
            }
        }
        return refused.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowed")
    void an_allowed_action_moves_the_rollout_to_its_next_state_and_phase(Step step) {
        Transition t = PhaseStateMachine.apply(rollout(step.state(), step.phase()), step.action(), false);

        assertThat(t).isEqualTo(new Transition.Allowed(step.next(), step.nextPhase(), false));
    }

    @Test
    void disabling_features_in_the_first_phase_or_in_full_withdraws_them_all_and_keeps_the_phase() {
        assertThat(PhaseStateMachine.apply(rollout(RolloutState.ROLLING_BACK, 1), Action.DISABLE_FEATURES, false))
                .isEqualTo(new Transition.Allowed(RolloutState.ROLLING_BACK, 1, true));
        assertThat(PhaseStateMachine.apply(rollout(RolloutState.ROLLING_BACK, 3), Action.DISABLE_FEATURES, true))
                .isEqualTo(new Transition.Allowed(RolloutState.ROLLING_BACK, 3, true));
    }

    @ParameterizedTest(name = "{1} while {0}")
    @MethodSource("refused")
    void a_refused_action_names_the_state_and_the_actions_it_allows(RolloutState state, Action action) {
        Transition t = PhaseStateMachine.apply(rollout(state, 2), action, false);

        assertThat(t).isInstanceOfSatisfying(Transition.Refused.class, refused -> assertThat(refused.reason())
                .contains("cannot " + action.apiName())
                .contains("'" + Plans.KEY + "'")
                .contains("while it is " + state.apiName())
                .contains("allowed now: " + PhaseStateMachine.allowedFrom(state)));
    }

    @Test
    void every_state_and_action_pair_is_either_allowed_or_refused() {
        assertThat(ALLOWED.size() + refused().count())
                .isEqualTo((long) RolloutState.values().length * Action.values().length);
    }

    @Test
    void advancing_from_the_last_phase_is_refused_with_a_hint_to_complete() {
        Transition t = PhaseStateMachine.apply(rollout(RolloutState.ACTIVE, 4), Action.ADVANCE, false);

        assertThat(t).isEqualTo(new Transition.Refused(
                "rollout '" + Plans.KEY + "' is in its last phase (4 of 4); complete it instead"));
    }

    @Test
    void completing_before_the_last_phase_is_refused_naming_the_phase() {
        Transition t = PhaseStateMachine.apply(rollout(RolloutState.ACTIVE, 2), Action.COMPLETE, false);

        assertThat(t).isEqualTo(new Transition.Refused(
                "rollout '" + Plans.KEY + "' is in phase 2 of 4; only the last phase can be completed"));
    }

    @Test
    void a_hard_pause_withdraws_features_and_resuming_restores_them() {
        Transition paused = PhaseStateMachine.apply(rollout(RolloutState.ACTIVE, 2), Action.PAUSE, true);
        Rollout hardPaused = new Rollout(Plans.reference(), RolloutState.PAUSED, 2, 0, 0, true);

        assertThat(paused).isEqualTo(new Transition.Allowed(RolloutState.PAUSED, 2, true));
        assertThat(PhaseStateMachine.apply(hardPaused, Action.RESUME, false))
                .isEqualTo(new Transition.Allowed(RolloutState.ACTIVE, 2, false));
    }

    @ParameterizedTest
    @EnumSource(value = Action.class, names = {"PAUSE", "DISABLE_FEATURES"}, mode = EnumSource.Mode.EXCLUDE)
    void only_pause_and_disable_features_read_the_withdraw_features_flag(Action action) {
        for (Step step : ALLOWED) {
            if (step.action() == action) {
                Transition t = PhaseStateMachine.apply(rollout(step.state(), step.phase()), action, true);
                assertThat(t).isEqualTo(new Transition.Allowed(step.next(), step.nextPhase(), false));
            }
        }
        assertThat(ALLOWED).anyMatch(step -> step.action() == action);
    }

    @Test
    void actions_have_lowercase_dashed_api_names() {
        assertThat(Action.FINISH_ROLLBACK.apiName()).isEqualTo("finish-rollback");
        assertThat(RolloutState.ROLLING_BACK.apiName()).isEqualTo("rolling_back");
        assertThat(RolloutState.byApiName("rolled_back")).contains(RolloutState.ROLLED_BACK);
        assertThat(RolloutState.byApiName("rolled-back")).isEmpty();
    }

    private static Rollout rollout(RolloutState state, int phase) {
        return new Rollout(Plans.reference(), state, phase, 0, 0, false);
    }
}
