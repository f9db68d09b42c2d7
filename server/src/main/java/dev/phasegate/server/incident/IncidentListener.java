package dev.phasegate.server.incident;

import org.jdbi.v3.core.Handle;

/**
 * Hears each change of an incident <em>inside</em> the transaction that makes it, so what it writes (an
 * outbox row, a notice) commits or rolls back with the change. A listener that throws rolls the change back.
 *
 * <pre>{@code
 * incidents.addListener((h, incident, change) -> {
 *     if (change.equals(IncidentListener.OPENED)) outbox.enqueue(h, contactsOf(incident.rollout()), incident);
 * });
 * }</pre>
 */
@FunctionalInterface
public interface IncidentListener {

    /** The change names passed to {@link #changed}. */
    String OPENED = "opened", ACKNOWLEDGED = "acknowledged", RESOLVED = "resolved", SEVERITY_RAISED = "severity-raised",
            ASSIGNED = "assigned", MITIGATED = "mitigated";

    /**
     * @param h        the handle of the transaction making the change
     * @param incident the incident after the change (without its timeline)
     * @param change   one of {@link #OPENED}, {@link #ACKNOWLEDGED}, {@link #RESOLVED}, {@link #SEVERITY_RAISED},
     *                 {@link #ASSIGNED}, {@link #MITIGATED}
     */
    void changed(Handle h, Incident incident, String change);
}
