package dev.phasegate.server.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TailJudgeTest {
    private static final double MEDIAN_MS = 100;
    private static final double LOG_SD = 0.5;
    /** Same median, p99 three times control's: log-sd + ln 3 / Φ⁻¹(0.99). */
    private static final double LOG_SD_P99_X3 = LOG_SD + Math.log(3) / 2.326_347_874_040_841;

    private final TailJudge judge = new TailJudge(0.99, 0.999, 100);

    @Test
    void same_distribution_passes() {
        SplittableRandom random = new SplittableRandom(1);
        Verdict verdict = judge.judge(lognormal(random, 20_000, LOG_SD), lognormal(random, 20_000, LOG_SD));

        assertThat(verdict.outcome()).isEqualTo(Outcome.PASS);
        assertThat(verdict.lower()).isNegative();
        assertThat(verdict.explanation()).startsWith("No evidence").contains("p50 1.0", "p99 ");
    }

    @Test
    void same_median_with_p99_three_times_control_is_critical() {
        SplittableRandom random = new SplittableRandom(2);
        Verdict verdict = judge.judge(lognormal(random, 5_000, LOG_SD_P99_X3), lognormal(random, 5_000, LOG_SD));

        assertThat(verdict.outcome()).isEqualTo(Outcome.CRITICAL);
        assertThat(verdict.confidence()).isCloseTo(0.999, within(1e-12));
        assertThat(verdict.lower()).isPositive();
        // Beta's share above control's p99 is P(Z > 2.326 · 0.5 / 0.972) = 11.6 %, above p95 19.9 %.
        assertThat(verdict.statistic()).startsWith("latency-above-control-p9");
        assertThat(verdict.estimate()).isBetween(5.0, 20.0);
        assertThat(verdict.explanation()).contains("Bonferroni", "99.95 %", "critical");
        assertThat(verdict.explanation()).containsPattern("p50 (0\\.9[5-9]|1\\.0[0-5])×");
        assertThat(verdict.explanation()).containsPattern("p99 (2\\.[6-9]|3\\.[0-4])\\d×");
    }

    @Test
    void a_shorter_tail_in_beta_never_fires() {
        SplittableRandom random = new SplittableRandom(3);
        Verdict verdict = judge.judge(lognormal(random, 20_000, 0.25), lognormal(random, 20_000, LOG_SD));

        assertThat(verdict.outcome()).isEqualTo(Outcome.PASS);
        assertThat(verdict.estimate()).isNegative();
    }

    @Test
    void a_shift_of_the_whole_distribution_shows_in_the_tail_too() {
        SplittableRandom random = new SplittableRandom(4);
        DDSketch beta = DDSketches.unboundedDense(0.01);
        for (int i = 0; i < 5_000; i++) {
            beta.accept(1.5 * MEDIAN_MS * Math.exp(LOG_SD * random.nextGaussian()));
        }

        assertThat(judge.judge(beta, lognormal(random, 5_000, LOG_SD)).outcome()).isEqualTo(Outcome.CRITICAL);
    }

    @Test
    void fewer_than_the_minimum_latencies_in_either_cohort_is_insufficient_data() {
        SplittableRandom random = new SplittableRandom(5);
        Verdict verdict = judge.judge(lognormal(random, 99, 3), lognormal(random, 5_000, LOG_SD));

        assertThat(verdict.outcome()).isEqualTo(Outcome.INSUFFICIENT_DATA);
        assertThat(verdict.betaSamples()).isEqualTo(99);
        assertThat(verdict.explanation()).contains("99 beta", "5,000 control");
    }

    @Test
    void counts_above_a_threshold_by_bin_the_same_way_getValueAtQuantile_reads_them() {
        DDSketch sketch = DDSketches.unboundedDense(0.01);
        for (int value = 1; value <= 100; value++) {
            sketch.accept(value);
        }
        sketch.accept(0);
        sketch.accept(-5);

        double p95 = sketch.getValueAtQuantile(0.95);
        // 102 values: the 0.95 quantile is rank 96 (0-based), the value 95; the five above it are 96..100.
        assertThat(p95).isCloseTo(95, within(95 * 0.01));
        assertThat(TailJudge.countAbove(sketch, p95)).isEqualTo(5);
        assertThat(TailJudge.countAbove(sketch, 0)).isEqualTo(100);
        assertThat(TailJudge.countAbove(sketch, -1)).isEqualTo(101);
        assertThat(TailJudge.countAbove(sketch, -10)).isEqualTo(102);
    }

    private static DDSketch lognormal(SplittableRandom random, int count, double logSd) {
        DDSketch sketch = DDSketches.unboundedDense(0.01);
        for (int i = 0; i < count; i++) {
            sketch.accept(MEDIAN_MS * Math.exp(logSd * random.nextGaussian()));
        }
        return sketch;
    }
}
