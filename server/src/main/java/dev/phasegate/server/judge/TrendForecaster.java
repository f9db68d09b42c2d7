package dev.phasegate.server.judge;

import java.time.Duration;
import java.util.Locale;
import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.stat.regression.SimpleRegression;

/**
 * When will a metric (memory, queue depth, disk) cross its critical level? Ordinary least squares
 * (Hipparchus {@link SimpleRegression}) on the recent window, extrapolated; higher is worse.
 *
 * <pre>{@code
 * var forecaster = new TrendForecaster(Duration.ofMinutes(30), 12, 0.6, 0.9);
 * Forecast f = forecaster.forecast(secondsAgo, heapUsedPercent, 90);
 * // WARNING, "Heap ... predicted to cross critical (90) in ~14 minutes ..."
 * }</pre>
 *
 * <p>It warns only on a trend it can stand behind: at least {@code minSamples} points, a fit explaining at
 * least {@code minRSquared} of the variance, a slope toward the critical level, and the fitted line reaching
 * it within the horizon. A fitted line already at or above the level gives a time to cross of zero. The
 * prediction interval at the horizon, {@code ŷ ± t(n − 2) · s · √(1 + 1/n + (x − x̄)² / Sxx)}, is reported so
 * a reader sees how sure the extrapolation is.
 */
public final class TrendForecaster {
    private final Duration horizon;
    private final int minSamples;
    private final double minRSquared;
    private final double predictionConfidence;

    /** E.g. {@code new TrendForecaster(Duration.ofMinutes(30), 12, 0.6, 0.9)}. */
    public TrendForecaster(Duration horizon, int minSamples, double minRSquared, double predictionConfidence) {
        if (horizon == null || horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("horizon must be positive, was " + horizon);
        }
        if (minSamples < 3) {
            throw new IllegalArgumentException("minSamples must be at least 3 (a line and an error), was "
                    + minSamples);
        }
        if (!(minRSquared >= 0 && minRSquared <= 1)) {
            throw new IllegalArgumentException("minRSquared must be in [0, 1], was " + minRSquared);
        }
        if (!(predictionConfidence > 0 && predictionConfidence < 1)) {
            throw new IllegalArgumentException("predictionConfidence must be in (0, 1), was "
                    + predictionConfidence);
        }
        this.horizon = horizon;
        this.minSamples = minSamples;
        this.minRSquared = minRSquared;
        this.predictionConfidence = predictionConfidence;
    }

    /**
     * @param secondsAgo times relative to now, in seconds (all ≤ 0, oldest first)
     * @param values     the metric at those times
     * @param critical   the level whose crossing is forecast; higher is worse
     */
    public Forecast forecast(double[] secondsAgo, double[] values, double critical) {
        check(secondsAgo, values, critical);
        int n = values.length;
        if (n < minSamples) {
            return noFit(Outcome.INSUFFICIENT_DATA, n, String.format(Locale.ROOT,
                    "Insufficient data: %d samples, a forecast needs %d.", n, minSamples));
        }
        SimpleRegression regression = new SimpleRegression();
        double sumX = 0;
        for (int i = 0; i < n; i++) {
            regression.addData(secondsAgo[i], values[i]);
            sumX += secondsAgo[i];
        }
        double sxx = regression.getXSumSquares();
        if (!(sxx > 0)) {
            return noFit(Outcome.INSUFFICIENT_DATA, n, String.format(Locale.ROOT,
                    "Insufficient data: %d samples all at the same time, no trend to fit.", n));
        }
        double slope = regression.getSlope();
        // A series that does not move at all is a perfect flat fit, though R² is 0/0 for it.
        double rSquared = regression.getTotalSumSquares() == 0 ? 1 : regression.getRSquare();
        double horizonSeconds = horizon.toMillis() / 1000.0;
        double predicted = regression.predict(horizonSeconds);
        double halfWidth = predictionHalfWidth(regression, horizonSeconds, sumX / n);
        double slopePerMinute = 60 * slope;
        double now = regression.getIntercept();

        if (rSquared < minRSquared) {
            return new Forecast(Outcome.INSUFFICIENT_DATA, n, slopePerMinute, rSquared, null, predicted,
                    predicted - halfWidth, predicted + halfWidth, String.format(Locale.ROOT,
                    "No clear trend to forecast: R² %.2f is below %.2f over %d samples (slope %s/min, "
                            + "critical %s).", rSquared, minRSquared, n, number(slopePerMinute), number(critical)));
        }
        String interval = String.format(Locale.ROOT, "%s in %s (%s %% prediction interval %s to %s)",
                number(predicted), minutes(horizonSeconds), Checks.confidence(predictionConfidence),
                number(predicted - halfWidth), number(predicted + halfWidth));
        if (now >= critical) {
            Outcome outcome = slope > 0 ? Outcome.WARNING : Outcome.PASS;
            return new Forecast(outcome, n, slopePerMinute, rSquared, Duration.ZERO, predicted,
                    predicted - halfWidth, predicted + halfWidth, String.format(Locale.ROOT,
                    "Already at or above critical (%s): fitted level now %s, %s by %s/min (R² %.2f); "
                            + "predicted %s.", number(critical), number(now),
                    slope > 0 ? "rising" : "not rising", number(slopePerMinute), rSquared, interval));
        }
        if (slope > 0) {
            double secondsToCross = (critical - now) / slope;
            if (secondsToCross <= horizonSeconds) {
                Duration timeToCross = Duration.ofMillis(Math.round(secondsToCross * 1000));
                return new Forecast(Outcome.WARNING, n, slopePerMinute, rSquared, timeToCross, predicted,
                        predicted - halfWidth, predicted + halfWidth, String.format(Locale.ROOT,
                        "Predicted to cross critical (%s) in ~%s: now %s, rising %s/min (R² %.2f, %d samples); "
                                + "predicted %s.", number(critical), minutes(secondsToCross), number(now),
                        number(slopePerMinute), rSquared, n, interval));
            }
        }
        return new Forecast(Outcome.PASS, n, slopePerMinute, rSquared, null, predicted, predicted - halfWidth,
                predicted + halfWidth, String.format(Locale.ROOT,
                "Not predicted to cross critical (%s) within %s: now %s, slope %s/min (R² %.2f, %d samples); "
                        + "predicted %s.", number(critical), minutes(horizonSeconds), number(now),
                number(slopePerMinute), rSquared, n, interval));
    }

    /** Half-width of the prediction interval for one new observation at {@code x}, from the t distribution. */
    private double predictionHalfWidth(SimpleRegression regression, double x, double meanX) {
        long n = regression.getN();
        double s = Math.sqrt(regression.getMeanSquareError());
        double t = new TDistribution(n - 2).inverseCumulativeProbability(0.5 + predictionConfidence / 2);
        double dx = x - meanX;
        return t * s * Math.sqrt(1 + 1.0 / n + dx * dx / regression.getXSumSquares());
    }

    private static void check(double[] secondsAgo, double[] values, double critical) {
        if (secondsAgo.length != values.length) {
            throw new IllegalArgumentException("secondsAgo and values must have the same length, were "
                    + secondsAgo.length + " and " + values.length);
        }
        if (!Double.isFinite(critical)) {
            throw new IllegalArgumentException("critical must be finite, was " + critical);
        }
        for (int i = 0; i < values.length; i++) {
            if (!(secondsAgo[i] <= 0) || Double.isInfinite(secondsAgo[i]) || !Double.isFinite(values[i])) {
                throw new IllegalArgumentException("sample " + i + " must have secondsAgo <= 0 and a finite value, was ("
                        + secondsAgo[i] + ", " + values[i] + ")");
            }
            if (i > 0 && secondsAgo[i] < secondsAgo[i - 1]) {
                throw new IllegalArgumentException("secondsAgo must be oldest first, but sample " + i + " ("
                        + secondsAgo[i] + ") is older than sample " + (i - 1) + " (" + secondsAgo[i - 1] + ")");
            }
        }
    }

    private Forecast noFit(Outcome outcome, int n, String explanation) {
        return new Forecast(outcome, n, Double.NaN, Double.NaN, null, Double.NaN, Double.NaN, Double.NaN,
                explanation);
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }

    private static String minutes(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%d seconds", Math.round(seconds));
        }
        return String.format(Locale.ROOT, "%d minutes", Math.round(seconds / 60));
    }
}
