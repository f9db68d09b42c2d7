package dev.phasegate.server.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrendForecasterTest {
    private final TrendForecaster forecaster = new TrendForecaster(Duration.ofMinutes(30), 12, 0.6, 0.9);

    @Test
    void a_perfect_line_gives_the_exact_crossing_time() {
        // One sample every 10 s for 10 minutes, rising 1 unit a minute, at 80 now: 90 is 10 minutes away.
        double[] t = times(61, 10);
        double[] values = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            values[i] = 80 + t[i] / 60;
        }

        Forecast forecast = forecaster.forecast(t, values, 90);

        assertThat(forecast.outcome()).isEqualTo(Outcome.WARNING);
        assertThat(forecast.timeToCross()).isEqualTo(Duration.ofMinutes(10));
        assertThat(forecast.slopePerMinute()).isCloseTo(1, within(1e-9));
        assertThat(forecast.rSquared()).isCloseTo(1, within(1e-12));
        assertThat(forecast.samples()).isEqualTo(61);
        assertThat(forecast.predicted()).isCloseTo(110, within(1e-9));
        assertThat(forecast.upper() - forecast.lower()).isCloseTo(0, within(1e-6));
        assertThat(forecast.explanation()).startsWith("Predicted to cross critical (90.00) in ~10 minutes");
    }

    @Test
    void the_prediction_interval_matches_one_computed_by_hand() {
        double[] t = {-50, -40, -30, -20, -10, 0};
        double[] values = {10.2, 11.1, 11.8, 13.2, 13.9, 15.1};
        var small = new TrendForecaster(Duration.ofMinutes(30), 6, 0.6, 0.9);

        Forecast forecast = small.forecast(t, values, 1000);

        // NumPy polyfit and SciPy t.ppf(0.95, 4): ŷ(1800) = 191.4, half-width 16.642091015555565.
        assertThat(forecast.predicted()).isCloseTo(191.4, within(1e-9));
        assertThat(forecast.upper() - forecast.predicted()).isCloseTo(16.642091015555565, within(1e-6));
        assertThat(forecast.predicted() - forecast.lower()).isCloseTo(16.642091015555565, within(1e-6));
        assertThat(forecast.rSquared()).isCloseTo(0.9924416888101566, within(1e-12));
        assertThat(forecast.slopePerMinute()).isCloseTo(5.88, within(1e-9));
        assertThat(forecast.outcome()).isEqualTo(Outcome.PASS);
        assertThat(forecast.timeToCross()).isNull();
    }

    @Test
    void noisy_flat_data_never_warns() {
        SplittableRandom random = new SplittableRandom(11);
        double[] t = times(120, 5);
        double[] values = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            values[i] = 50 + 5 * random.nextGaussian();
        }

        Forecast forecast = forecaster.forecast(t, values, 90);

        assertThat(forecast.outcome()).isIn(Outcome.PASS, Outcome.INSUFFICIENT_DATA);
        assertThat(forecast.timeToCross()).isNull();
        assertThat(forecast.rSquared()).isLessThan(0.6);
        assertThat(forecast.explanation()).startsWith("No clear trend");
    }

    @Test
    void too_few_samples_are_insufficient_data() {
        Forecast forecast = forecaster.forecast(new double[] {-20, -10, 0}, new double[] {1, 2, 3}, 4);

        assertThat(forecast.outcome()).isEqualTo(Outcome.INSUFFICIENT_DATA);
        assertThat(forecast.samples()).isEqualTo(3);
        assertThat(forecast.timeToCross()).isNull();
        assertThat(forecast.explanation()).contains("3 samples", "needs 12");
    }

    @Test
    void a_falling_trend_and_a_crossing_beyond_the_horizon_pass() {
        double[] t = times(30, 10);
        double[] falling = new double[t.length];
        double[] slow = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            falling[i] = 80 - t[i] / 60;
            slow[i] = 50 + t[i] / 60; // 40 minutes to 90
        }

        assertThat(forecaster.forecast(t, falling, 90).outcome()).isEqualTo(Outcome.PASS);
        Forecast slowForecast = forecaster.forecast(t, slow, 90);
        assertThat(slowForecast.outcome()).isEqualTo(Outcome.PASS);
        assertThat(slowForecast.timeToCross()).isNull();
        assertThat(slowForecast.explanation()).startsWith("Not predicted to cross critical (90.00) within 30 minutes");
    }

    @Test
    void already_above_critical_and_rising_warns_with_zero_time_to_cross() {
        double[] t = times(30, 10);
        double[] values = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            values[i] = 95 + t[i] / 60;
        }

        Forecast forecast = forecaster.forecast(t, values, 90);

        assertThat(forecast.outcome()).isEqualTo(Outcome.WARNING);
        assertThat(forecast.timeToCross()).isEqualTo(Duration.ZERO);
        assertThat(forecast.explanation()).startsWith("Already at or above critical (90.00)");
    }

    @Test
    void a_constant_series_is_a_flat_fit_not_an_error() {
        double[] t = times(20, 10);
        double[] values = new double[t.length];
        java.util.Arrays.fill(values, 42);

        Forecast forecast = forecaster.forecast(t, values, 90);

        assertThat(forecast.outcome()).isEqualTo(Outcome.PASS);
        assertThat(forecast.slopePerMinute()).isZero();
        assertThat(forecast.predicted()).isEqualTo(42);
    }

    @Test
    void malformed_series_are_rejected_naming_the_problem() {
        assertThatThrownBy(() -> forecaster.forecast(new double[] {-1, 0}, new double[] {1}, 2))
                .hasMessageContaining("same length");
        assertThatThrownBy(() -> forecaster.forecast(new double[] {0, -1}, new double[] {1, 2}, 2))
                .hasMessageContaining("oldest first");
        assertThatThrownBy(() -> forecaster.forecast(new double[] {-1, 5}, new double[] {1, 2}, 2))
                .hasMessageContaining("sample 1");
        assertThatThrownBy(() -> forecaster.forecast(new double[] {-1, 0}, new double[] {1, Double.NaN}, 2))
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> new TrendForecaster(Duration.ZERO, 12, 0.6, 0.9)).hasMessageContaining("horizon");
        assertThatThrownBy(() -> new TrendForecaster(Duration.ofMinutes(1), 2, 0.6, 0.9))
                .hasMessageContaining("minSamples");
    }

    /** {@code count} times, {@code step} seconds apart, the last at 0 (now). */
    private static double[] times(int count, double step) {
        double[] t = new double[count];
        for (int i = 0; i < count; i++) {
            t[i] = -(count - 1 - i) * step;
        }
        return t;
    }
}
