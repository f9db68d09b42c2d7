package dev.phasegate.server.runbook;

import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Map;

/**
 * What the runbook's steps do beyond the rollout itself: notices and the incident. Each method runs in
 * the step's transaction, so its writes (outbox rows, incident rows) commit exactly when the step is
 * marked done, and vanish with it when the step fails or the process dies.
 */
public interface RunbookEffects {

    /** Tells the rollout's beta users their features were withdrawn; returns figures for the step's result. */
    Map<String, Object> notifyUsers(Handle h, RunContext ctx);

    /** Tells the plan's contacts about the rollback; returns figures for the step's result. */
    Map<String, Object> notifyContacts(Handle h, RunContext ctx);

    /** Opens (or joins) the rollout's incident with the diagnostics snapshot; returns its id. */
    long openIncident(Handle h, RunContext ctx, Map<String, Object> diagnostics);

    /** Appends an entry to the incident's timeline. */
    void recordOnIncident(Handle h, long incidentId, String text, Map<String, Object> data);

    /** Notes when users stopped being exposed (features withdrawn). */
    void markMitigated(Handle h, long incidentId, Instant at);
}
