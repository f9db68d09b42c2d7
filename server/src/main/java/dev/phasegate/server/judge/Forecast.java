package dev.phasegate.server.judge;

import java.time.Duration;

/**
 * A trend forecaster's conclusion about a metric's critical level.
 *
 * @param outcome        {@link Outcome#WARNING} when a crossing is forecast within the horizon,
 *                       {@link Outcome#INSUFFICIENT_DATA} when too few samples or no clear trend, else PASS
 * @param samples        observations used
 * @param slopePerMinute the fitted trend, in the metric's units per minute (NaN when there is no fit)
 * @param rSquared       share of the variance the line explains (NaN when there is no fit)
 * @param timeToCross    when the fitted line reaches the critical level; zero when it is already there;
 *                       null when it does not within the horizon or there is no usable fit
 * @param predicted      the fitted line's value at the end of the horizon
 * @param lower          lower bound of the prediction interval there (an observation, not only the mean)
 * @param upper          upper bound of that prediction interval
 * @param explanation    one sentence a person can read, with the numbers
 */
public record Forecast(Outcome outcome, int samples, double slopePerMinute, double rSquared,
                       Duration timeToCross, double predicted, double lower, double upper, String explanation) {
}
