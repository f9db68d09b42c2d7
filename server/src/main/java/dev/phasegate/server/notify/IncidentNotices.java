package dev.phasegate.server.notify;

import dev.phasegate.server.incident.Incident;
import dev.phasegate.server.incident.IncidentListener;
import dev.phasegate.server.rollout.RolloutRepository;
import org.jdbi.v3.core.Handle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Tells a rollout's contacts when its incident is opened, acknowledged, resolved or made more severe,
 * in the transaction of the change. Assignments and mitigation are on the timeline, not in inboxes.
 */
public final class IncidentNotices implements IncidentListener {

    private static final Set<String> TOLD = Set.of(OPENED, ACKNOWLEDGED, RESOLVED, SEVERITY_RAISED);

    private final Notifier notifier;
    private final RolloutRepository rollouts;

    public IncidentNotices(Notifier notifier, RolloutRepository rollouts) {
        this.notifier = notifier;
        this.rollouts = rollouts;
    }

    @Override
    public void changed(Handle h, Incident incident, String change) {
        if (!TOLD.contains(change) || incident.rollout() == null || incident.rollout().isEmpty()) {
            return;
        }
        rollouts.find(h, incident.rollout()).ifPresent(stored -> {
            String severity = incident.severity().name().toLowerCase(java.util.Locale.ROOT);
            String subject = "[" + severity + "] Incident " + incident.id() + " " + change + ": " + incident.title();
            StringBuilder text = new StringBuilder("Incident " + incident.id() + " of rollout " + incident.rollout() + " is "
                    + incident.state().name().toLowerCase(java.util.Locale.ROOT) + " (" + severity + ").\n" + incident.title());
            if (incident.summary() != null) {
                text.append("\n\n").append(incident.summary());
            }
            if (RESOLVED.equals(change) && incident.resolution() != null) {
                text.append("\n\nResolution: ").append(incident.resolution());
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("incidentId", incident.id());
            data.put("change", change);
            data.put("state", incident.state().name().toLowerCase(java.util.Locale.ROOT));
            // One notice per change of one incident; a severity raise is news each time it rises.
            String occasion = "incident-" + incident.id() + "-" + change + (SEVERITY_RAISED.equals(change) ? "-" + severity : "");
            notifier.toContacts(h, stored.rollout().plan(), new ContactEvent("contact.incident-" + change,
                    RESOLVED.equals(change) ? "info" : "critical", subject, text.toString(), data, incident.id()), occasion);
        });
    }
}
