package dev.phasegate.server.guard;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/**
 * One evaluation of one guard, with everything needed to answer "why did it fire?": what was read, over
 * which window, against which levels or confidence interval, from how many samples.
 *
 * @param id             store id, null until stored
 * @param observed       the metric's value in its plan unit (comparison: beta minus control; trend: the forecast
 *                       at the horizon); null when nothing could be read
 * @param warning        the warning level (comparison: confidence in percent); null for trends
 * @param critical       the critical level (comparison: confidence in percent; trend: the forecast level)
 * @param lower          comparison and trend: the interval around {@code observed}; else null
 * @param upper          as {@code lower}
 * @param samples        requests, host samples, metric events or trend points behind the value (beta's for comparisons)
 * @param controlSamples comparison: control's requests; else null
 * @param figures        further numbers shown with the decision (rates, quantiles, slope, R², time to cross)
 * @param explanation    one sentence a person can read, with the numbers
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GuardDecision(Long id, Instant at, String rollout, String guard, String kind, String metric, String scope,
                            Integer phase, Instant windowFrom, Instant windowTo, GuardResult result, Double observed,
                            Double warning, Double critical, Double lower, Double upper, long samples,
                            Long controlSamples, Map<String, Object> figures, String explanation) {

    public GuardDecision withId(long newId) {
        return new GuardDecision(newId, at, rollout, guard, kind, metric, scope, phase, windowFrom, windowTo, result,
                observed, warning, critical, lower, upper, samples, controlSamples, figures, explanation);
    }
}
