package dev.phasegate.server.advance;

import java.time.Instant;
import java.util.List;

/**
 * Whether a rollout's current phase may be left now, and why (the body of {@code GET
 * /api/v1/rollouts/{key}/readiness}).
 *
 * @param phase          the current phase (whose {@code advance} criteria gate leaving it)
 * @param nextPhase      the phase an advance leads to, or null in the last phase
 * @param auto           the current phase's {@code advance.auto}: the guardian advances by itself when ready
 * @param ready          every criterion met, the rollout active and a next phase exists
 * @param reason         why it is not ready, in a sentence; null when ready
 * @param telemetryFrom  the telemetry figures cover [telemetryFrom, evaluatedAt): the phase's start
 */
public record ReadinessReport(String rollout, String state, int phase, String phaseName, Integer nextPhase,
                              String nextPhaseName, Instant phaseStartedAt, Instant evaluatedAt, boolean auto,
                              boolean ready, String reason, List<Criterion> criteria, Instant telemetryFrom) {

    /** The criteria not met, by name. */
    public List<String> unmet() {
        return criteria.stream().filter(c -> !c.met()).map(Criterion::name).toList();
    }
}
