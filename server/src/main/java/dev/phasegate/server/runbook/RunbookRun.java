package dev.phasegate.server.runbook;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One rollback of one rollout, with its steps and timeline.
 *
 * @param state              {@code running}, {@code done} (every step done), {@code done-with-failures}
 * @param trigger            {@code guardian} or {@code person}
 * @param guard              the guard whose critical alert started it, if any
 * @param alertId            that alert
 * @param fromPhase          the phase the rollout was in when the rollback began
 * @param basis              what it was based on: the alert's decision record, or the person's request
 * @param featuresDisabledAt when the features were taken away (by the step or the watchdog)
 * @param outcome            a sentence on how it ended
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunbookRun(long id, String rollout, String state, String trigger, String actor, String reason,
                         String severity, String guard, Long alertId, String disableMode, int fromPhase,
                         Map<String, Object> basis, Long incidentId, Instant featuresDisabledAt, Instant startedAt,
                         Instant finishedAt, String outcome, List<RunbookStep> steps, List<RunbookEvent> events) {

    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String DONE_WITH_FAILURES = "done-with-failures";

    public boolean running() {
        return RUNNING.equals(state);
    }

    RunbookRun withDetails(List<RunbookStep> newSteps, List<RunbookEvent> newEvents) {
        return new RunbookRun(id, rollout, state, trigger, actor, reason, severity, guard, alertId, disableMode, fromPhase,
                basis, incidentId, featuresDisabledAt, startedAt, finishedAt, outcome, newSteps, newEvents);
    }
}
