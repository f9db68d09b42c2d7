package dev.phasegate.server.runbook;

import dev.phasegate.server.audit.Actor;

import java.util.Map;

/**
 * A request to roll a rollout back.
 *
 * @param rollout  the rollout
 * @param reason   why (required)
 * @param severity {@code sev1} … {@code sev4}
 * @param fullRollback every feature off, whatever the plan's disable mode says; false = the plan's mode
 * @param trigger  {@code guardian} or {@code person}
 * @param guard    the guard whose alert asks for it, or null
 * @param alertId  that alert, or null
 * @param basis    what the request is based on (the alert's decision record), for the record
 */
public record RollbackRequest(String rollout, String reason, String severity, boolean fullRollback, String trigger,
                              Actor actor, String guard, Long alertId, Map<String, Object> basis) {

    public static final String BY_GUARDIAN = "guardian";
    public static final String BY_PERSON = "person";
}
