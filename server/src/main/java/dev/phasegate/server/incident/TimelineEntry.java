package dev.phasegate.server.incident;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One entry of an incident's timeline.
 *
 * @param kind  one of {@link #KINDS}: {@code alert}, {@code decision}, {@code runbook}, {@code notification},
 *              {@code action} (a person or the guardian changed something), {@code comment}, {@code state}
 *              (the incident itself changed: opened, acknowledged, severity raised, assigned, mitigated,
 *              resolved), {@code note}
 * @param actor who: {@code system} for the guardian and the guard engine, else the token
 * @param text  one sentence a person reads
 * @param data  what a machine or a report needs (e.g. {@code alertId}, {@code decisionId}, {@code decision},
 *              {@code revertedToPhase}); empty when none
 */
public record TimelineEntry(long id, long incidentId, Instant at, String kind, String actor, String text, Map<String, Object> data) {

    public static final String ALERT = "alert", DECISION = "decision", RUNBOOK = "runbook", NOTIFICATION = "notification",
            ACTION = "action", COMMENT = "comment", STATE = "state", NOTE = "note";

    /** Every kind, in the order the documentation lists them. */
    public static final List<String> KINDS = List.of(ALERT, DECISION, RUNBOOK, NOTIFICATION, ACTION, COMMENT, STATE, NOTE);
}
