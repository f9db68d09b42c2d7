package dev.phasegate.server.guardian;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/**
 * What the guardian decided about one alert.
 *
 * @param action  {@code rollback}, {@code pause}, {@code hold} or {@code alert} (nothing beyond the alert)
 * @param outcome what came of it, e.g. "started rollback run 12", "already paused"
 * @param runId   the rollback run started or joined, if any
 * @param basis   the alert's decision record: the guard's reading that made it fire
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GuardianDecision(long id, Instant at, String rollout, String guard, Long alertId, String severity,
                               String action, String outcome, Long runId, Map<String, Object> basis) {
}
