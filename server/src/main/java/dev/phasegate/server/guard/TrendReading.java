package dev.phasegate.server.guard;

import dev.phasegate.server.judge.Outcome;

import java.util.Map;

/** A trend guard's reading: the forecast, or why the metric could not be read ({@code failure}). */
record TrendReading(Outcome outcome, int samples, double predicted, double lower, double upper,
                    Map<String, Object> figures, String explanation, String failure) {

    static TrendReading failed(String why) {
        return new TrendReading(Outcome.INSUFFICIENT_DATA, 0, Double.NaN, Double.NaN, Double.NaN, Map.of(), why, why);
    }
}
