package dev.phasegate.core.enrollment;

import dev.phasegate.core.plan.Plans;
import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.core.rollout.RolloutState;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.phasegate.core.plan.Plans.phase;
import static dev.phasegate.core.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;

class AdmissionTest {

    @Test
    void admits_a_newcomer_while_a_place_is_free_and_nobody_waits() {
        Rollout pilot = rollout(RolloutState.ACTIVE, 1, 4, 0);

        assertThat(Admission.admitsNewcomer(pilot, 4, 0)).isTrue();
    }

    @Test
    void does_not_admit_a_newcomer_once_the_current_phase_is_full() {
        Rollout pilot = rollout(RolloutState.ACTIVE, 1, 5, 0);

        assertThat(Admission.admitsNewcomer(pilot, 5, 0)).isFalse();
    }

    @Test
    void does_not_let_a_newcomer_pass_someone_who_waits() {
        Rollout pilot = rollout(RolloutState.ACTIVE, 1, 2, 1);

        assertThat(Admission.admitsNewcomer(pilot, 2, 1)).isFalse();
    }

    @Test
    void admits_up_to_the_capacity_of_the_current_phase() {
        Rollout earlyAccess = rollout(RolloutState.ACTIVE, 2, 14, 0);

        assertThat(Admission.admitsNewcomer(earlyAccess, 14, 0)).isTrue();
        assertThat(Admission.admitsNewcomer(earlyAccess, 15, 0)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = RolloutState.class, names = "ACTIVE", mode = EnumSource.Mode.EXCLUDE)
    void admits_nobody_and_promotes_nobody_unless_the_rollout_is_active(RolloutState state) {
        Rollout rollout = rollout(state, 2, 0, 10);

        assertThat(Admission.admitsNewcomer(rollout, 0, 0)).isFalse();
        assertThat(Admission.promotions(rollout)).isZero();
    }

    @Test
    void promotes_as_many_waiting_users_as_there_are_free_places() {
        assertThat(Admission.promotions(rollout(RolloutState.ACTIVE, 2, 5, 20))).isEqualTo(10);
    }

    @Test
    void promotes_every_waiting_user_when_places_outnumber_them() {
        assertThat(Admission.promotions(rollout(RolloutState.ACTIVE, 2, 5, 3))).isEqualTo(3);
    }

    @Test
    void promotes_nobody_when_the_phase_is_full_or_over_full() {
        assertThat(Admission.promotions(rollout(RolloutState.ACTIVE, 1, 5, 3))).isZero();
        assertThat(Admission.promotions(rollout(RolloutState.ACTIVE, 1, 7, 3))).isZero();
    }

    @Property
    void a_batch_of_arrivals_fills_the_phase_in_order_and_waitlists_the_rest(
            @ForAll @IntRange(min = 1, max = 200) int capacity,
            @ForAll @IntRange(min = 0, max = 200) int alreadyEnrolled,
            @ForAll @IntRange(min = 0, max = 400) int arrivals) {
        int enrolledBefore = Math.min(alreadyEnrolled, capacity);
        Rollout rollout = new Rollout(plan(phase("only", capacity, 0)), RolloutState.ACTIVE, 1, enrolledBefore, 0, false);

        int enrolled = enrolledBefore;
        int waitlisted = 0;
        for (int i = 0; i < arrivals; i++) {
            if (Admission.admitsNewcomer(rollout, enrolled, waitlisted)) {
                assertThat(waitlisted).as("nobody is admitted after someone was waitlisted").isZero();
                enrolled++;
            } else {
                waitlisted++;
            }
        }

        assertThat(enrolled).isEqualTo(Math.min(capacity, enrolledBefore + arrivals)).isLessThanOrEqualTo(capacity);
        assertThat(waitlisted).isEqualTo(enrolledBefore + arrivals - enrolled);
    }

    @Test
    void enrollment_statuses_have_lowercase_api_names() {
        assertThat(EnrollmentStatus.WAITLISTED.apiName()).isEqualTo("waitlisted");
        assertThat(EnrollmentStatus.byApiName("left")).contains(EnrollmentStatus.LEFT);
        assertThat(EnrollmentStatus.byApiName("LEFT")).isEmpty();
    }

    private static Rollout rollout(RolloutState state, int phase, int enrolled, int waitlisted) {
        return new Rollout(Plans.reference(), state, phase, enrolled, waitlisted, false);
    }
}
