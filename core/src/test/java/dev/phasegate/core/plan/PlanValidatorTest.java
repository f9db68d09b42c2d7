package dev.phasegate.core.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static dev.phasegate.core.plan.Plans.phase;
import static dev.phasegate.core.plan.Plans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class PlanValidatorTest {

    private static final Plan REFERENCE = Plans.reference();

    @Test
    void the_reference_plan_is_valid() {
        assertThat(REFERENCE.phases()).extracting(Phase::name, Phase::capacity).containsExactly(
                tuple("pilot", 5),
                tuple("early-access", 15),
                tuple("broad-beta", 50),
                tuple("general", 100));
        assertThat(REFERENCE.guards()).isEqualTo(Guard.referenceDefaults());

        assertThat(PlanValidator.validate(REFERENCE)).isEmpty();
    }

    @Test
    void a_plan_without_phases_is_refused() {
        assertThat(PlanValidator.validate(Plans.withPhases(REFERENCE, List.of())))
                .containsExactly(new Problem("phases", "must have at least one phase"));
    }

    @Test
    void capacities_that_do_not_increase_are_refused_at_the_later_phase() {
        Plan plan = Plans.withPhase(REFERENCE, 2, phase("broad-beta", 15, 0, "advanced-strategies"));

        assertThat(PlanValidator.validate(plan)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("phases[2].capacity");
            assertThat(p.message()).contains("15 is not above the previous phase's 15");
        });
    }

    @Test
    void a_capacity_below_the_previous_phase_is_refused() {
        Plan plan = Plans.withPhase(REFERENCE, 1, phase("early-access", 3, 0, "ai-analysis"));

        assertThat(fields(plan)).containsExactly("phases[1].capacity");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -5, PlanValidator.MAX_CAPACITY + 1})
    void a_capacity_outside_1_to_ten_million_is_refused(int capacity) {
        Plan plan = Plans.withPhase(REFERENCE, 0, phase("pilot", capacity, 0, "basic-trading", "portfolio-view"));

        assertThat(PlanValidator.validate(plan)).first().satisfies(p -> {
            assertThat(p.field()).isEqualTo("phases[0].capacity");
            assertThat(p.message()).isEqualTo("must be between 1 and 10000000, was " + capacity);
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 101})
    void a_percentage_outside_0_to_100_is_refused(int percentage) {
        Plan plan = Plans.withPhase(REFERENCE, 1, phase("early-access", 15, percentage, "ai-analysis"));

        assertThat(PlanValidator.validate(plan)).containsExactly(
                new Problem("phases[1].percentage", "must be between 0 and 100, was " + percentage));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 100})
    void percentages_of_0_and_100_are_valid(int percentage) {
        Plan plan = Plans.withPhase(REFERENCE, 1, phase("early-access", 15, percentage, "ai-analysis"));

        assertThat(PlanValidator.validate(plan)).isEmpty();
    }

    @Test
    void a_feature_unlocked_by_two_phases_is_refused_at_the_later_one() {
        Plan plan = Plans.withPhase(REFERENCE, 2, phase("broad-beta", 50, 0, "advanced-strategies", "portfolio-view"));

        assertThat(PlanValidator.validate(plan)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("phases[2].features[1]");
            assertThat(p.message()).contains("'portfolio-view'").contains("already unlocked by phases[0]");
        });
    }

    @Test
    void a_feature_listed_twice_in_one_phase_is_refused_at_the_second_listing() {
        Plan plan = Plans.withPhase(REFERENCE, 1, phase("early-access", 15, 0, "ai-analysis", "ai-analysis"));

        assertThat(fields(plan)).containsExactly("phases[1].features[1]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "AI-Analysis", "ai analysis", "-ai", "ai-", "ai/analysis", "ü-analysis"})
    void a_feature_with_an_invalid_key_is_refused(String key) {
        Plan plan = Plans.withPhase(REFERENCE, 1, phase("early-access", 15, 0, "ai-analysis", key));

        assertThat(fields(plan)).containsExactly("phases[1].features[1]");
    }

    @Test
    void a_feature_key_of_128_characters_is_valid_and_of_129_is_refused() {
        Plan longest = Plans.withPhase(REFERENCE, 3, phase("general", 100, 0, "a".repeat(128)));
        Plan tooLong = Plans.withPhase(REFERENCE, 3, phase("general", 100, 0, "a".repeat(129)));

        assertThat(PlanValidator.validate(longest)).isEmpty();
        assertThat(fields(tooLong)).containsExactly("phases[3].features[0]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Trading Engine", "trading_engine!"})
    void a_plan_with_an_invalid_rollout_key_is_refused(String key) {
        assertThat(PlanValidator.validate(Plans.withKey(REFERENCE, key))).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("rollout");
            assertThat(p.message()).contains("'" + key + "' is not a valid key");
        });
    }

    @Test
    void a_phase_name_used_twice_is_refused() {
        Plan plan = Plans.withPhase(REFERENCE, 1, phase("pilot", 15, 0, "ai-analysis"));

        assertThat(fields(plan)).containsExactly("phases[1].name");
    }

    @ParameterizedTest
    @ValueSource(doubles = {70, 60})
    void a_guard_whose_critical_level_is_not_above_its_warning_is_refused(double critical) {
        Plan plan = Plans.withGuard(REFERENCE, 0, levels(REFERENCE.guards().get(0), 70, critical));

        assertThat(PlanValidator.validate(plan)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("guards[0].critical");
            assertThat(p.message()).contains("must be above the warning level (70.0)");
        });
    }

    @Test
    void an_error_rate_warning_above_100_percent_is_refused() {
        Guard errorRate = REFERENCE.guards().get(3);
        assertThat(errorRate.metric()).isEqualTo(GuardMetric.ERROR_RATE_PERCENT);
        Plan plan = Plans.withGuard(REFERENCE, 3, levels(errorRate, 101, 2));

        assertThat(PlanValidator.validate(plan)).anySatisfy(p -> {
            assertThat(p.field()).isEqualTo("guards[3].warning");
            assertThat(p.message()).isEqualTo("must be between 0.0 and 100.0 for error-rate, was 101.0");
        });
    }

    @Test
    void a_latency_guard_has_no_upper_bound() {
        Guard latency = REFERENCE.guards().get(2);
        Plan plan = Plans.withGuard(REFERENCE, 2, levels(latency, 100, 1_000));

        assertThat(PlanValidator.validate(plan)).isEmpty();
    }

    @Test
    void a_guard_name_used_twice_is_refused_at_the_later_guard() {
        List<Guard> guards = new ArrayList<>(REFERENCE.guards());
        guards.add(REFERENCE.guards().get(0));

        assertThat(PlanValidator.validate(Plans.withGuards(REFERENCE, guards))).containsExactly(
                new Problem("guards[4].name", "'cpu' is used by an earlier guard"));
    }

    @Test
    void a_contact_with_an_email_or_a_webhook_is_valid() {
        Plan plan = Plans.withContacts(REFERENCE,
                new Contact("Ops", "ops@example.com", null, "on-call"),
                new Contact("Chat", null, "https://hooks.example.com/rollouts", "release-manager"));

        assertThat(PlanValidator.validate(plan)).isEmpty();
    }

    @Test
    void a_contact_with_neither_email_nor_webhook_is_refused() {
        Plan plan = Plans.withContacts(REFERENCE, new Contact("Ops", null, null, "on-call"));

        assertThat(PlanValidator.validate(plan)).containsExactly(new Problem("contacts[0]", "needs an email or a webhook"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ops", "ops@", "@example.com", "ops@example", "ops @example.com", "ops@@example.com"})
    void a_contact_with_a_malformed_email_is_refused(String email) {
        Plan plan = Plans.withContacts(REFERENCE,
                new Contact("Chat", null, "https://hooks.example.com/rollouts", "release-manager"),
                new Contact("Ops", email, null, "on-call"));

        assertThat(PlanValidator.validate(plan)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("contacts[1].email");
            assertThat(p.message()).isEqualTo("'" + email + "' is not an email address");
        });
    }

    @Test
    void a_contact_with_a_webhook_that_is_not_http_is_refused() {
        Plan plan = Plans.withContacts(REFERENCE, new Contact("Chat", null, "ftp://hooks.example.com", "release-manager"));

        assertThat(fields(plan)).containsExactly("contacts[0].webhook");
    }

    @Test
    void a_warning_hook_needs_an_http_url_with_a_host_and_a_cooldown_that_is_not_negative() {
        Guard g = REFERENCE.guards().get(3);
        Plan good = Plans.withGuard(REFERENCE, 3, hook(g, new WarningHook("https://ops.example.com/scale-out", null)));
        Plan bad = Plans.withGuard(REFERENCE, 3, hook(g, new WarningHook("ftp://ops.example.com", java.time.Duration.ofSeconds(-1))));
        Plan noHost = Plans.withGuard(REFERENCE, 3, hook(g, new WarningHook("http://", java.time.Duration.ZERO)));

        assertThat(PlanValidator.validate(good)).isEmpty();
        assertThat(good.guards().get(3).onWarning().cooldown()).isEqualTo(WarningHook.DEFAULT_COOLDOWN);
        assertThat(fields(bad)).containsExactly("guards[3].onWarning.webhook", "guards[3].onWarning.cooldown");
        assertThat(fields(noHost)).containsExactly("guards[3].onWarning.webhook");
    }

    @Test
    void every_problem_of_a_plan_is_reported_in_one_round() {
        Plan plan = Plans.withContacts(
                plan(phase("pilot", 0, 101, "Bad Key"), phase("pilot", 10, 0, "basic-trading")),
                new Contact("Ops", null, null, "on-call"));

        assertThat(fields(plan)).containsExactly(
                "phases[0].capacity", "phases[0].percentage", "phases[0].features[0]", "phases[1].name", "contacts[0]");
    }

    private static List<String> fields(Plan plan) {
        return PlanValidator.validate(plan).stream().map(Problem::field).toList();
    }

    private static Guard hook(Guard g, WarningHook hook) {
        return new Guard(g.name(), g.kind(), g.metric(), g.scope(), g.phase(), g.warning(), g.critical(), g.forDuration(),
                g.keepFiringFor(), g.minSamples(), g.onCritical(), g.window(), g.horizon(), g.metricName(), g.query(), hook);
    }

    private static Guard levels(Guard g, double warning, double critical) {
        return new Guard(g.name(), g.kind(), g.metric(), g.scope(), g.phase(), warning, critical, g.forDuration(),
                g.keepFiringFor(), g.minSamples(), g.onCritical(), g.window(), g.horizon(), g.metricName(), g.query());
    }
}
