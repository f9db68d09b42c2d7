package dev.phasegate.server.runbook;

import dev.phasegate.core.plan.Plan;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.incident.Incident;
import dev.phasegate.server.incident.IncidentBook;
import dev.phasegate.server.incident.IncidentSeverity;
import dev.phasegate.server.incident.OpenRequest;
import dev.phasegate.server.incident.TimelineEntry;
import dev.phasegate.server.notify.ContactEvent;
import dev.phasegate.server.notify.Notifier;
import dev.phasegate.server.notify.UserNotice;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The runbook's effects through the notification outbox and the incident book. */
public final class StandardEffects implements RunbookEffects {

    private final Notifier notifier;
    private final IncidentBook incidents;

    public StandardEffects(Notifier notifier, IncidentBook incidents) {
        this.notifier = notifier;
        this.incidents = incidents;
    }

    @Override
    public Map<String, Object> notifyUsers(Handle h, RunContext ctx) {
        Plan plan = ctx.rollout().rollout().plan();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("reason", ctx.run().reason());
        values.put("phase", plan.phase(ctx.rollout().rollout().currentPhase()).name());
        values.put("features", withdrawn(ctx));
        Notifier.Result r = notifier.toEnrolledUsers(h, plan, UserNotice.FEATURES_WITHDRAWN, "rollback-" + ctx.run().id(), values);
        return Map.of("queued", r.queued(), "alreadyQueued", r.duplicates(), "withoutEmail", r.withoutEmail());
    }

    @Override
    public Map<String, Object> notifyContacts(Handle h, RunContext ctx) {
        Plan plan = ctx.rollout().rollout().plan();
        RunbookRun run = ctx.run();
        String subject = "Rollback of " + plan.key() + " (" + run.severity() + ")";
        String text = "Phasegate is rolling back " + plan.name() + " (" + plan.key() + ") from phase " + run.fromPhase()
                + ", started by " + run.actor() + ": " + run.reason() + "\nWithdrawn: " + withdrawn(ctx) + ".";
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("runId", run.id());
        data.put("fromPhase", run.fromPhase());
        data.put("disableMode", run.disableMode());
        if (run.guard() != null) {
            data.put("guard", run.guard());
        }
        Notifier.Result r = notifier.toContacts(h, plan, new ContactEvent("contact.rollback-started", "critical", subject, text, data,
                run.incidentId()), "rollback-" + run.id());
        return Map.of("queued", r.queued(), "alreadyQueued", r.duplicates(), "contacts", plan.contacts().size());
    }

    @Override
    public long openIncident(Handle h, RunContext ctx, Map<String, Object> diagnostics) {
        RunbookRun run = ctx.run();
        OpenRequest request = OpenRequest.of(run.rollout(), "Rollback of " + run.rollout() + ": " + run.reason(),
                        IncidentSeverity.valueOf(run.severity().toUpperCase(java.util.Locale.ROOT)))
                .withSummary("Rollback run " + run.id() + " started by " + run.actor() + " from phase " + run.fromPhase() + ".")
                .withFirstSignalAt(run.startedAt())
                .withDiagnostics(diagnostics)
                .withCause(new OpenRequest.Cause(TimelineEntry.RUNBOOK, "rollback run " + run.id() + " opened the incident",
                        Map.of("runId", run.id())));
        Incident incident = incidents.openOrJoin(h, request, Actor.GUARDIAN);
        return incident.id();
    }

    @Override
    public void recordOnIncident(Handle h, long incidentId, String text, Map<String, Object> data) {
        incidents.record(h, incidentId, TimelineEntry.RUNBOOK, Actor.GUARDIAN.display(), text, data);
    }

    @Override
    public void markMitigated(Handle h, long incidentId, Instant at) {
        incidents.markMitigated(h, incidentId, at);
    }

    private static String withdrawn(RunContext ctx) {
        Plan plan = ctx.rollout().rollout().plan();
        if (ctx.run().disableMode().equals("all") || ctx.run().fromPhase() == 1) {
            return "every feature of " + plan.key();
        }
        List<String> features = plan.phase(ctx.run().fromPhase()).features();
        return features.isEmpty() ? "nothing new (phase " + ctx.run().fromPhase() + " unlocked no feature)" : String.join(", ", features);
    }
}
