package dev.phasegate.core.rollout;

import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.plan.Plans;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.core.plan.StartMode;
import org.junit.jupiter.api.Test;

import static dev.phasegate.core.plan.Plans.phase;
import static org.assertj.core.api.Assertions.assertThat;

class PlanChangeTest {

    private static final Plan REFERENCE = Plans.reference();

    @Test
    void the_same_plan_may_replace_itself_and_changes_nothing() {
        Rollout rollout = rollout(2, 12);

        assertThat(PlanChange.check(rollout, REFERENCE)).isEmpty();
        assertThat(PlanChange.describe(REFERENCE, Plans.reference())).isEmpty();
    }

    @Test
    void capacity_of_the_current_phase_below_the_users_enrolled_is_refused() {
        Plan next = Plans.withPhase(REFERENCE, 1, phase("early-access", 10, 0, "ai-analysis"));

        assertThat(PlanChange.check(rollout(2, 12), next)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("phases[1].capacity");
            assertThat(p.message()).contains("is 10 but 12 users are already enrolled");
        });
    }

    @Test
    void capacity_of_the_current_phase_equal_to_the_users_enrolled_is_allowed() {
        Plan next = Plans.withPhase(REFERENCE, 1, phase("early-access", 12, 0, "ai-analysis"));

        assertThat(PlanChange.check(rollout(2, 12), next)).isEmpty();
    }

    @Test
    void capacity_of_another_phase_may_go_below_the_users_enrolled() {
        Plan next = Plans.withPhase(REFERENCE, 0, phase("pilot", 2, 0, "basic-trading", "portfolio-view"));

        assertThat(PlanChange.check(rollout(2, 12), next)).isEmpty();
    }

    @Test
    void removing_the_current_phase_is_refused() {
        Plan next = Plans.withPhases(REFERENCE, REFERENCE.phases().subList(0, 2));

        assertThat(PlanChange.check(rollout(3, 20), next)).containsExactly(new Problem("phases",
                "rollout '" + Plans.KEY + "' is in phase 3; the plan must keep at least 3 phases, it has 2"));
    }

    @Test
    void removing_a_phase_after_the_current_one_is_allowed() {
        Plan next = Plans.withPhases(REFERENCE, REFERENCE.phases().subList(0, 3));

        assertThat(PlanChange.check(rollout(3, 20), next)).isEmpty();
    }

    @Test
    void describes_a_new_rollout_as_create_rollout() {
        assertThat(PlanChange.describe(null, REFERENCE))
                .containsExactly("create rollout '" + Plans.KEY + "' with 4 phases and 4 features (starts active)");
        assertThat(PlanChange.describe(null, Plans.withStart(REFERENCE, StartMode.DRAFT)))
                .singleElement().asString().endsWith("(starts draft)");
    }

    @Test
    void describes_a_capacity_change_with_the_phase_and_both_values() {
        Plan next = Plans.withPhase(REFERENCE, 1, phase("early-access", 20, 0, "ai-analysis"));

        assertThat(PlanChange.describe(REFERENCE, next)).containsExactly("phase 2 capacity: 15 → 20");
    }

    @Test
    void describes_features_added_and_removed_per_phase() {
        Plan next = Plans.withPhase(REFERENCE, 2, phase("broad-beta", 50, 0, "risk-dashboard"));

        assertThat(PlanChange.describe(REFERENCE, next)).containsExactly(
                "phase 3 features: add [risk-dashboard]",
                "phase 3 features: remove [advanced-strategies]");
    }

    @Test
    void describes_percentage_and_name_changes() {
        Plan next = Plans.withPhase(REFERENCE, 0, phase("alpha", 5, 10, "basic-trading", "portfolio-view"));

        assertThat(PlanChange.describe(REFERENCE, next)).containsExactly(
                "phase 1 name: pilot → alpha",
                "phase 1 percentage: 0 → 10");
    }

    @Test
    void describes_added_and_removed_phases() {
        Plan shorter = Plans.withPhases(REFERENCE, REFERENCE.phases().subList(0, 3));

        assertThat(PlanChange.describe(REFERENCE, shorter)).containsExactly("remove phase 4 'general'");
        assertThat(PlanChange.describe(shorter, REFERENCE)).containsExactly("add phase 4 'general' (capacity 100, features [])");
    }

    private static Rollout rollout(int currentPhase, int enrolled) {
        return new Rollout(REFERENCE, RolloutState.ACTIVE, currentPhase, enrolled, 0, false);
    }
}
