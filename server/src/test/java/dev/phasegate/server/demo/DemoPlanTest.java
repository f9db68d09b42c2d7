package dev.phasegate.server.demo;

import dev.phasegate.core.plan.Plan;
import dev.phasegate.server.rollout.PlanDocuments;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DemoPlanTest {

    @ParameterizedTest
    @CsvSource({"1, 20", "10, 300", "60, 60", "100, 2000", "7, 45"})
    void is_a_valid_plan_with_the_reference_phases_advancing_by_themselves_after_ten_minutes_divided_by_the_speed(int speed, int users) {
        DemoPlan demo = new DemoPlan(speed, users);

        Plan plan = PlanDocuments.read(demo.yaml().getBytes(StandardCharsets.UTF_8), true, DemoPlan.ROLLOUT);

        assertThat(plan.phases()).extracting(p -> p.capacity()).containsExactly(5, 15, 50, 100);
        assertThat(plan.phases().get(2).features()).containsExactly("advanced-strategies");
        assertThat(plan.phases().subList(0, 3)).allSatisfy(p -> {
            assertThat(p.advance().auto()).isTrue();
            assertThat(p.advance().minDuration()).isEqualTo(demo.minDuration());
        });
        assertThat(plan.guards()).extracting(g -> g.name()).containsExactly("error-rate", "response-time", "errors-vs-control");
        assertThat(plan.contacts()).allSatisfy(c -> assertThat(c.email()).endsWith("@trading.example"));
    }

    @Test
    void time_and_active_user_criteria_scale_with_speed_and_traders() {
        assertThat(new DemoPlan(1, 300).minDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(new DemoPlan(10, 300).minDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(new DemoPlan(60, 300).minDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(new DemoPlan(7, 300).minDuration()).isEqualTo(Duration.ofMillis(85_714));

        assertThat(new DemoPlan(10, 300).minActiveUsers(1)).isEqualTo(3);
        assertThat(new DemoPlan(10, 300).minActiveUsers(2)).isEqualTo(9);
        assertThat(new DemoPlan(10, 300).minActiveUsers(3)).isEqualTo(30);
        // 60 traders: 24 ask to join, so phase 3 can have 24 beta users, not the reference's 30 active.
        assertThat(new DemoPlan(10, 60).minActiveUsers(3)).isEqualTo(14);
        assertThat(DemoPlan.featuresUpTo(2)).containsExactly("basic-trading", "portfolio-view", "ai-analysis");
    }
}
