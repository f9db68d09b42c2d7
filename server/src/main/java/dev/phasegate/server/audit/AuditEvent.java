package dev.phasegate.server.audit;

import com.fasterxml.jackson.annotation.JsonRawValue;

import java.time.Instant;

/**
 * One audit entry as the API returns it.
 *
 * @param before JSON of the state before the change, or null
 * @param after  JSON of the state after the change, or null
 */
public record AuditEvent(long id, Instant at, String actor, String action, String rollout, String subject,
                         @JsonRawValue String before, @JsonRawValue String after) {
}
