package dev.phasegate.server.judge;

/**
 * A judge's conclusion about beta against control.
 *
 * @param outcome        pass, warning, critical or insufficient data
 * @param statistic      what was compared, e.g. {@code error-rate} or {@code latency-above-control-p99}
 * @param estimate       the effect: beta minus control, in percentage points (NaN when a cohort is empty)
 * @param lower          always-valid lower bound of the effect at {@code confidence}, in percentage points
 * @param upper          always-valid upper bound of the effect at {@code confidence}, in percentage points;
 *                       each bound holds on its own at {@code confidence}, so {@code [lower, upper]} together
 *                       hold at {@code 2 * confidence - 1}
 * @param confidence     the confidence of the bounds: the critical one when critical, else the warning one
 * @param betaSamples    requests seen in the beta cohort
 * @param controlSamples requests seen in the control cohort
 * @param explanation    one sentence a person can read, with the numbers
 */
public record Verdict(Outcome outcome, String statistic, double estimate, double lower, double upper,
                      double confidence, long betaSamples, long controlSamples, String explanation) {
}
