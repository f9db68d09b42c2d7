package dev.phasegate.server.advance;

import dev.phasegate.core.plan.AdvanceCriteria;
import dev.phasegate.core.rollout.RolloutState;

import java.time.Instant;
import java.util.List;

/**
 * Everything readiness is judged on, measured at one instant: the input of the pure {@link Criteria#judge}.
 *
 * @param nextPhaseName   null in the last phase
 * @param activeUsers     distinct beta users of the current phase since it started
 * @param requests        beta requests of the current phase since it started
 * @param errors          of which failed
 * @param feedbackCount   ratings since the phase started
 * @param feedbackAverage their mean, NaN when none
 * @param alerts          the rollout's firing alerts
 * @param guards          each guard of the plan with its latest result
 * @param requiredSamples the largest {@code minSamples} of the telemetry guards that apply (default 100)
 * @param samplesGuard    the guard that sets it, or null for the default
 */
record Evidence(String rollout, RolloutState state, int phase, String phaseName, String nextPhaseName,
                AdvanceCriteria criteria, Instant phaseStartedAt, Instant now, long activeUsers, long requests,
                long errors, long feedbackCount, double feedbackAverage, List<FiringAlert> alerts,
                List<GuardData> guards, int requiredSamples, String samplesGuard) {

    /** A firing alert of the rollout. {@code kind} is the alert label: {@code breach} or {@code unavailable}. */
    record FiringAlert(long id, String guard, String severity, String kind, boolean silenced) {
    }

    /**
     * A guard's latest result ({@code ok}, {@code warning}, ..., or null when not evaluated yet).
     *
     * @param applies false for a guard bound to another phase, which judges nothing of this one
     */
    record GuardData(String name, String result, boolean applies) {
    }
}
