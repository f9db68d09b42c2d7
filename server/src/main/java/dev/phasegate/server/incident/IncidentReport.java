package dev.phasegate.server.incident;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The report of an incident, as {@code GET /api/v1/incidents/{id}/report} returns it (JSON, or Markdown
 * rendered from it). Built from the store when asked; nothing of it is kept.
 *
 * @param summary     what happened, to what, who acted and when
 * @param impact      phases affected and beta users exposed
 * @param durations   detection, mitigation, resolution; each null until reached
 * @param timeline    every entry, oldest first
 * @param decisions   the guard decision records the timeline refers to or embeds, in order of first mention
 * @param diagnostics what the opener captured, or null
 */
public record IncidentReport(Instant generatedAt, Summary summary, Impact impact, Durations durations,
                             List<TimelineEntry> timeline, List<DecisionRecord> decisions, Map<String, Object> diagnostics) {

    /** The incident in a few fields; {@code rollout} is absent for a system-wide incident. */
    public record Summary(long id, String title, String rollout, IncidentSeverity severity, IncidentState state, String description,
                          String assignee, Instant firstSignalAt, Instant openedAt, String openedBy, Instant acknowledgedAt,
                          String acknowledgedBy, Instant mitigatedAt, Instant resolvedAt, String resolvedBy, String resolution) {
    }

    /**
     * Who was hurt.
     *
     * @param phases        the phase current when the incident opened, and the phase a runbook reverted to
     * @param usersAffected beta users exposed (the sum of {@code usersByPhase}), or null for a system-wide incident
     * @param usersByPhase  those users by the phase they joined in
     * @param basis         how the users were counted, in one sentence
     * @param activeUsers   distinct beta users who sent telemetry between the first signal (or the opening) and the
     *                      resolution (or now), every phase, every node; null when not counted
     */
    public record Impact(List<PhaseAffected> phases, Long usersAffected, List<PhaseUsers> usersByPhase, String basis,
                         Long activeUsers) {

        Impact withActiveUsers(Long users) {
            return new Impact(phases, usersAffected, usersByPhase, basis, users);
        }
    }

    /** @param role {@code current at opening} or {@code reverted to} */
    public record PhaseAffected(int phase, String name, String role) {
    }

    public record PhaseUsers(int phase, String name, long users) {
    }

    /** From one instant to another; {@code seconds} is never negative. */
    public record Span(Instant from, Instant to, long seconds, String text) {
    }

    /**
     * @param detection  first signal → opened
     * @param mitigation opened → mitigated (zero when the harm had already stopped when it opened)
     * @param resolution opened → resolved
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Durations(Span detection, Span mitigation, Span resolution) {
    }

    /**
     * A guard decision record.
     *
     * @param id      the stored decision's id, or null for one only embedded in the timeline
     * @param stored  read from the decision store (else as embedded in the timeline, or missing: purged by retention)
     * @param entries the timeline entries that refer to it
     * @param record  the decision (what was read, over which window, against which levels, the result)
     */
    public record DecisionRecord(Long id, boolean stored, List<Long> entries, Map<String, Object> record) {
    }
}
