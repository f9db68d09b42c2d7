package dev.phasegate.server.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProportionJudgeTest {
    private final ProportionJudge judge = new ProportionJudge(0.99, 0.999, 100);

    // Expected values computed independently (Python, SciPy's norm.logcdf and brentq) from the formulas in
    // OneSidedMixture and TwoProportions, mixing sd 0.05.

    @Test
    void mixture_statistic_matches_values_computed_by_hand_for_30_of_1000_against_10_of_1000() {
        double estimate = 31.0 / 1002 - 11.0 / 1002;
        double variance = 4.0756968777652996e-05;
        double mixingVariance = 5.129710638603034e-05;

        assertThat(OneSidedMixture.logLikelihoodRatio(estimate, variance, mixingVariance))
                .isCloseTo(2.9995192376408393, within(1e-9));
        assertThat(OneSidedMixture.margin(variance, mixingVariance, 0.01)).isCloseTo(0.0251411551566868, within(1e-12));
        assertThat(OneSidedMixture.margin(variance, mixingVariance, 0.001)).isCloseTo(0.031123578008662795, within(1e-12));
    }

    @Test
    void three_percent_against_one_percent_at_1000_requests_is_not_yet_enough_and_says_why() {
        Verdict verdict = judge.judge(30, 1000, 10, 1000);

        // log Λ = 3.00 < log(100) = 4.61: a fixed-size test would fire here, an always-valid one not yet.
        assertThat(verdict.outcome()).isEqualTo(Outcome.PASS);
        assertThat(verdict.estimate()).isCloseTo(1.996007984031936, within(1e-9));
        assertThat(verdict.lower()).isCloseTo(100 * (0.01996007984031936 - 0.0251411551566868), within(1e-9));
        assertThat(verdict.upper()).isCloseTo(100 * (0.01996007984031936 + 0.0251411551566868), within(1e-9));
        assertThat(verdict.confidence()).isCloseTo(0.99, within(1e-12));
        assertThat(verdict.statistic()).isEqualTo("error-rate");
        assertThat(verdict.explanation()).contains("3.00 % (30/1,000)", "1.00 % (10/1,000)", "+2.00 pp");
    }

    @Test
    void five_percent_against_one_percent_is_critical_with_a_positive_lower_bound() {
        Verdict verdict = judge.judge(50, 1000, 10, 1000);

        assertThat(verdict.outcome()).isEqualTo(Outcome.CRITICAL);
        assertThat(verdict.confidence()).isCloseTo(0.999, within(1e-12));
        assertThat(verdict.lower()).isCloseTo(100 * (0.03992015968063872 - 0.03739805578954506), within(1e-9))
                .isPositive();
        assertThat(verdict.explanation()).startsWith("Beta's error rate is higher").contains("99.9 %").endsWith("critical.");
    }

    @Test
    void one_percent_against_five_percent_is_critical_at_100_requests_per_second_within_a_minute() {
        SplittableRandom random = new SplittableRandom(7);
        long betaErrors = 0;
        long controlErrors = 0;
        Outcome last = null;
        int second = 0;
        while (last != Outcome.CRITICAL && second < 60) {
            second++;
            for (int i = 0; i < 100; i++) {
                betaErrors += random.nextDouble() < 0.05 ? 1 : 0;
                controlErrors += random.nextDouble() < 0.01 ? 1 : 0;
            }
            last = judge.judge(betaErrors, second * 100L, controlErrors, second * 100L).outcome();
        }

        assertThat(last).isEqualTo(Outcome.CRITICAL);
    }

    @Test
    void a_a_data_with_a_fixed_seed_stays_pass_when_checked_every_second_for_an_hour() {
        SplittableRandom random = new SplittableRandom(20261127);
        long betaErrors = 0;
        long controlErrors = 0;
        for (int second = 1; second <= 3600; second++) {
            for (int i = 0; i < 100; i++) {
                betaErrors += random.nextDouble() < 0.01 ? 1 : 0;
                controlErrors += random.nextDouble() < 0.01 ? 1 : 0;
            }
            Verdict verdict = judge.judge(betaErrors, second * 100L, controlErrors, second * 100L);
            assertThat(verdict.outcome()).as("second %d: %s", second, verdict.explanation()).isEqualTo(Outcome.PASS);
        }
    }

    @Test
    void beta_doing_better_than_control_never_fires_however_large_the_difference() {
        for (long n = 100; n <= 1_000_000; n *= 10) {
            Verdict verdict = judge.judge(n / 100, n, n / 20, n);

            assertThat(verdict.outcome()).isEqualTo(Outcome.PASS);
            assertThat(verdict.estimate()).isNegative();
        }
        // The mirror-image bound shows that beta is better.
        assertThat(judge.judge(10_000, 1_000_000, 50_000, 1_000_000).upper()).isNegative();
    }

    @Test
    void zero_errors_in_both_cohorts_pass_with_a_finite_interval_around_zero() {
        Verdict verdict = judge.judge(0, 1000, 0, 1000);

        assertThat(verdict.outcome()).isEqualTo(Outcome.PASS);
        assertThat(verdict.estimate()).isZero();
        assertThat(verdict.lower()).isCloseTo(-100 * 0.005560518041672053, within(1e-9));
        assertThat(verdict.upper()).isCloseTo(100 * 0.005560518041672053, within(1e-9));
    }

    @Test
    void beta_errors_against_none_in_control_fire_once_the_evidence_is_there() {
        // Agresti–Caffo keeps the variance positive; 20 vs 0 of 1,000 is log Λ = 5.46: warning, not critical.
        assertThat(judge.judge(20, 1000, 0, 1000).outcome()).isEqualTo(Outcome.WARNING);
        assertThat(judge.judge(30, 2000, 0, 2000).outcome()).isEqualTo(Outcome.CRITICAL);
    }

    @Test
    void a_few_beta_errors_against_none_in_control_pass_but_not_silently() {
        Verdict verdict = judge.judge(10, 500, 0, 500);

        assertThat(verdict.outcome()).isEqualTo(Outcome.PASS);
        assertThat(verdict.estimate()).isCloseTo(1.9920318725099605, within(1e-9));
        assertThat(verdict.lower()).isFinite();
        assertThat(verdict.explanation()).contains("2.00 % (10/500)", "0.00 % (0/500)", "control has no errors yet");
    }

    @Test
    void fewer_than_the_minimum_requests_in_either_cohort_is_insufficient_data_never_pass() {
        Verdict beforeBoth = judge.judge(0, 99, 0, 99);
        Verdict hugeDifference = judge.judge(99, 99, 0, 1000);
        Verdict empty = judge.judge(0, 0, 0, 500);

        assertThat(beforeBoth.outcome()).isEqualTo(Outcome.INSUFFICIENT_DATA);
        assertThat(hugeDifference.outcome()).isEqualTo(Outcome.INSUFFICIENT_DATA);
        assertThat(hugeDifference.explanation()).startsWith("Insufficient data").contains("100 requests");
        assertThat(hugeDifference.upper()).as("a difference of proportions is at most 100 pp").isEqualTo(100);
        assertThat(empty.outcome()).isEqualTo(Outcome.INSUFFICIENT_DATA);
        assertThat(empty.estimate()).isNaN();
        assertThat(judge.judge(0, 100, 0, 100).outcome()).isEqualTo(Outcome.PASS);
    }

    @Test
    void impossible_counts_and_settings_are_rejected_naming_the_value() {
        assertThatThrownBy(() -> judge.judge(11, 10, 0, 10)).hasMessageContaining("beta").hasMessageContaining("11");
        assertThatThrownBy(() -> judge.judge(0, 10, -1, 10)).hasMessageContaining("control");
        assertThatThrownBy(() -> new ProportionJudge(0.999, 0.99, 100)).hasMessageContaining("criticalConfidence");
        assertThatThrownBy(() -> new ProportionJudge(1, 1, 100)).hasMessageContaining("warningConfidence");
        assertThatThrownBy(() -> new ProportionJudge(0.99, 0.999, 0)).hasMessageContaining("minSamplesPerCohort");
    }

    @Test
    void outcomes_have_wire_names() {
        assertThat(Outcome.INSUFFICIENT_DATA.wireName()).isEqualTo("insufficient-data");
        assertThat(Outcome.fromWireName("critical")).isEqualTo(Outcome.CRITICAL);
        assertThatThrownBy(() -> Outcome.fromWireName("CRITICAL")).hasMessageContaining("CRITICAL");
    }
}
