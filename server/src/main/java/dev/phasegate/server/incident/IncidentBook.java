package dev.phasegate.server.incident;

import dev.phasegate.core.plan.Identifiers;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.alert.Alert;
import dev.phasegate.server.alert.AlertState;
import dev.phasegate.server.alert.AlertTransition;
import dev.phasegate.server.alert.Severity;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.guard.DecisionLog;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.store.Database;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The incidents, and the single owner of their state. Critical alerts open them ({@link #onAlert}), the
 * rollback runbook opens or joins them and appends its steps ({@link #openOrJoin}, {@link #record},
 * {@link #markMitigated}), people open, acknowledge, comment, assign and resolve them.
 *
 * <pre>{@code
 * IncidentBook incidents = new IncidentBook(db, audit, rollouts, decisions, clock);
 * alerts.onTransition(incidents::onAlert);
 * db.inTransaction(h -> {
 *     Incident i = incidents.openOrJoin(h, OpenRequest.of("checkout-v2", "Rollback of checkout-v2", IncidentSeverity.SEV2), Actor.SYSTEM);
 *     incidents.record(h, i.id(), TimelineEntry.RUNBOOK, "system", "features disabled", Map.of("step", "disable-features"));
 *     incidents.markMitigated(h, i.id(), clock.instant());
 *     return i;
 * });
 * }</pre>
 *
 * <p>At most one incident per rollout is active (open or acknowledged), on any number of nodes: the store's
 * unique index on {@code open_rollout} refuses a second one, and the refused transaction is retried by
 * {@link Database#inTransaction} (a unique violation is transient there), finds the first one and joins it.
 * System-wide incidents (no rollout) share one slot the same way. Methods taking a {@link Handle} run in
 * the caller's transaction; the others run their own.
 */
public final class IncidentBook {

    private static final Logger log = LoggerFactory.getLogger(IncidentBook.class);

    /** A title is one line in a list: the column holds 256 characters. */
    public static final int MAX_TITLE = 200;
    /** Summaries, comments, resolutions and timeline texts: a few pages at most (the columns hold 10,000). */
    public static final int MAX_TEXT = 10_000;
    /** Assignees are names or emails; actors are stored in 300 characters everywhere. */
    public static final int MAX_ASSIGNEE = 300;
    /** Timeline data and diagnostics are evidence, not a data dump: larger ones are stored as a note of their size. */
    static final int MAX_DATA_CHARS = 256 * 1024;
    /**
     * A runbook entry's data key naming the phase the rollout was reverted to (a whole number); the report
     * counts it among the phases affected.
     */
    public static final String REVERTED_TO_PHASE = "revertedToPhase";
    /** A timeline entry's data key naming a stored guard decision (its id); the report includes the record. */
    public static final String DECISION_ID = "decisionId";
    /** A timeline entry's data key holding an embedded decision (a JSON object); the report includes it. */
    public static final String DECISION = "decision";

    private final Database db;
    private final AuditLog audit;
    private final RolloutRepository rollouts;
    private final DecisionLog decisions;
    private final Clock clock;
    private final IncidentStore store = new IncidentStore();
    private final List<IncidentListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong alertFailures = new AtomicLong();
    private volatile ActiveUsers activeUsers = ActiveUsers.NONE;

    /** The outcome of a person's {@link #open}: a new incident, or the active one of the rollout, joined. */
    public record Opening(Incident incident, boolean created) {
    }

    public IncidentBook(Database db, AuditLog audit, RolloutRepository rollouts, DecisionLog decisions, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.rollouts = Objects.requireNonNull(rollouts, "rollouts");
        this.decisions = Objects.requireNonNull(decisions, "decisions");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Adds a listener called inside the transaction of each change (see {@link IncidentListener}). */
    public void addListener(IncidentListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    // ---- for the guardian, the runbook and notifications: the caller's transaction ----

    /**
     * Opens an incident, or, if the rollout has an active one, adds this request to it: its cause goes on the
     * timeline, diagnostics keys it lacks are added, an earlier first signal is kept, and a more severe request
     * raises its severity (on the timeline, and heard as {@link IncidentListener#SEVERITY_RAISED}).
     */
    public Incident openOrJoin(Handle h, OpenRequest request, Actor actor) {
        return openOrJoinResult(h, request, actor).incident();
    }

    /** The active (open or acknowledged) incident of a rollout; null means system-wide. */
    public Optional<Incident> openFor(Handle h, String rollout) {
        return store.findActive(h, openKey(rollout));
    }

    /**
     * Appends an entry to an incident's timeline. Text longer than {@link #MAX_TEXT} is cut. 404 for an
     * unknown incident.
     *
     * @param kind one of {@link TimelineEntry#KINDS}
     * @param data e.g. {@code decisionId} (a stored guard decision), {@code decision} (an embedded one),
     *             {@code revertedToPhase}; may be null
     */
    public TimelineEntry record(Handle h, long incidentId, String kind, String actor, String text, Map<String, ?> data) {
        checkKind(kind);
        store.find(h, incidentId).orElseThrow(() -> notFound(incidentId));
        return entry(h, incidentId, clock.instant(), kind, actor, text, data);
    }

    /** Appends to the active incident of the rollout (null: system-wide), if any; returns whether it did. */
    public boolean recordForRollout(Handle h, String rollout, String kind, String actor, String text, Map<String, ?> data) {
        checkKind(kind);
        Optional<Incident> active = store.findActive(h, openKey(rollout));
        active.ifPresent(i -> entry(h, i.id(), clock.instant(), kind, actor, text, data));
        return active.isPresent();
    }

    /**
     * Records when the harm stopped (features off, rollout paused): the end of the report's mitigation time.
     * The first call counts; later ones change nothing. 404 for an unknown incident.
     */
    public void markMitigated(Handle h, long incidentId, Instant at) {
        Incident before = store.lock(h, incidentId).orElseThrow(() -> notFound(incidentId));
        if (before.mitigatedAt() != null) {
            return;
        }
        Instant when = at == null ? clock.instant() : at;
        store.mitigate(h, incidentId, when);
        entry(h, incidentId, clock.instant(), TimelineEntry.STATE, Actor.SYSTEM.display(), "mitigated at " + when,
                Map.of("mitigatedAt", when.toString()));
        changed(h, store.find(h, incidentId).orElseThrow(), IncidentListener.MITIGATED);
    }

    // ---- for people: own transactions ----

    /**
     * A person opens an incident. 422 naming the field for a bad title, summary or unknown rollout. If the
     * rollout already has an active incident, the report joins it ({@code created} false).
     */
    public Opening open(OpenRequest request, Actor actor) {
        Objects.requireNonNull(request, "request");
        if (request.title().isBlank()) {
            throw invalid("title", "is required");
        }
        if (request.title().length() > MAX_TITLE) {
            throw invalid("title", "is " + request.title().length() + " characters long; at most " + MAX_TITLE + " are allowed");
        }
        if (request.summary() != null && request.summary().length() > MAX_TEXT) {
            throw invalid("summary", "is longer than " + MAX_TEXT + " characters");
        }
        if (request.rollout() != null) {
            Identifiers.keyProblem(request.rollout()).ifPresent(p -> {
                throw invalid("rollout", p);
            });
        }
        return db.inTransaction(h -> {
            if (request.rollout() != null && rollouts.find(h, request.rollout()).isEmpty()) {
                throw invalid("rollout", "no rollout '" + request.rollout() + "'");
            }
            Opening opening = openOrJoinResult(h, request, actor);
            return new Opening(withTimeline(h, opening.incident()), opening.created());
        });
    }

    /**
     * Acknowledges an open incident: someone is on it. 404 unknown; 409 when already acknowledged or resolved.
     *
     * @param note optional, at most {@link #MAX_TEXT} characters
     */
    public Incident acknowledge(long id, Actor actor, String note) {
        if (note != null && note.length() > MAX_TEXT) {
            throw invalid("note", "is longer than " + MAX_TEXT + " characters");
        }
        return db.inTransaction(h -> {
            Instant now = clock.instant();
            Incident before = store.lock(h, id).orElseThrow(() -> notFound(id));
            if (before.state() == IncidentState.RESOLVED) {
                throw new PhasegateException.Conflict("incident " + id + " was resolved at " + before.resolvedAt() + " by "
                        + before.resolvedBy() + "; only an open incident can be acknowledged");
            }
            if (before.state() == IncidentState.ACKNOWLEDGED) {
                throw new PhasegateException.Conflict("incident " + id + " was already acknowledged at " + before.acknowledgedAt()
                        + " by " + before.acknowledgedBy());
            }
            store.acknowledge(h, id, now, actor.display());
            boolean hasNote = note != null && !note.isBlank();
            entry(h, id, now, TimelineEntry.STATE, actor.display(), "acknowledged by " + actor.display() + (hasNote ? ": " + note : ""),
                    hasNote ? Map.of("note", note) : Map.of());
            return changedByPerson(h, before, actor, now, "incident.acknowledged", IncidentListener.ACKNOWLEDGED);
        });
    }

    /** Resolves an open or acknowledged incident. 422 without a resolution; 404 unknown; 409 already resolved. */
    public Incident resolve(long id, Actor actor, String resolution) {
        String text = requiredText("resolution", resolution, MAX_TEXT);
        return db.inTransaction(h -> {
            Instant now = clock.instant();
            Incident before = store.lock(h, id).orElseThrow(() -> notFound(id));
            if (before.state() == IncidentState.RESOLVED) {
                throw new PhasegateException.Conflict("incident " + id + " was already resolved at " + before.resolvedAt() + " by "
                        + before.resolvedBy());
            }
            store.resolve(h, id, now, actor.display(), text);
            entry(h, id, now, TimelineEntry.STATE, actor.display(), "resolved by " + actor.display() + ": " + text,
                    Map.of("resolution", text));
            return changedByPerson(h, before, actor, now, "incident.resolved", IncidentListener.RESOLVED);
        });
    }

    /** Adds a comment (also to a resolved incident: post-incident notes). 422 for an empty or too long text; 404 unknown. */
    public TimelineEntry comment(long id, Actor actor, String text) {
        String checked = requiredText("text", text, MAX_TEXT);
        return db.inTransaction(h -> {
            Instant now = clock.instant();
            Incident incident = store.find(h, id).orElseThrow(() -> notFound(id));
            TimelineEntry entry = entry(h, id, now, TimelineEntry.COMMENT, actor.display(), checked, Map.of());
            audit.record(h, now, actor, new AuditLog.Entry("incident.commented", incident.rollout(), subject(id), null,
                    Map.of("entry", entry.id(), "text", checked)));
            return entry;
        });
    }

    /** Sets who works on an active incident. 422 for an empty or too long assignee; 404 unknown; 409 resolved. */
    public Incident assign(long id, Actor actor, String assignee) {
        String checked = requiredText("assignee", assignee, MAX_ASSIGNEE);
        return db.inTransaction(h -> {
            Instant now = clock.instant();
            Incident before = store.lock(h, id).orElseThrow(() -> notFound(id));
            if (before.state() == IncidentState.RESOLVED) {
                throw new PhasegateException.Conflict("incident " + id + " was resolved at " + before.resolvedAt()
                        + "; only an active incident can be assigned");
            }
            store.assign(h, id, checked);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("from", before.assignee());
            data.put("to", checked);
            entry(h, id, now, TimelineEntry.STATE, actor.display(), "assigned to " + checked + " by " + actor.display(), data);
            return changedByPerson(h, before, actor, now, "incident.assigned", IncidentListener.ASSIGNED);
        });
    }

    /** One incident with its timeline. */
    public Optional<Incident> get(long id) {
        return db.withHandle(h -> store.find(h, id).map(i -> withTimeline(h, i)));
    }

    /** Incidents matching {@code query}, newest first, without timelines. */
    public List<Incident> list(IncidentQuery query) {
        return db.withHandle(h -> store.list(h, query));
    }

    /** Where reports count the beta users who met the release during an incident (telemetry). */
    public void activeUsers(ActiveUsers source) {
        this.activeUsers = source;
    }

    /** The report of an incident: summary, impact, durations, timeline, decision records. 404 unknown. */
    public IncidentReport report(long id) {
        Instant now = clock.instant();
        IncidentReports.Gathered gathered = db.withHandle(h -> {
            Incident incident = store.find(h, id).orElseThrow(() -> notFound(id));
            return IncidentReports.gather(h, store, rollouts, incident, store.entries(h, id), now);
        });
        // Decision records are read after the handle is released: one connection per request at a time.
        return IncidentReports.build(gathered, decisions, activeUsers, now);
    }

    // ---- alerts ----

    /**
     * Register with {@code AlertBook.onTransition}: a critical alert that starts firing unsilenced opens an
     * incident for its rollout (or joins the active one), SEV2, titled by its guard and summary; every other
     * transition of an alert of a rollout with an active incident goes on its timeline. Failures are logged and
     * counted ({@link #alertFailures()}), never thrown at the alert book.
     */
    public void onAlert(AlertTransition t) {
        Alert alert = t.alert();
        String rollout = alert.rollout() == null || alert.rollout().isEmpty() ? null : alert.rollout();
        boolean opens = alert.severity() == Severity.CRITICAL && t.to() == AlertState.FIRING && !alert.silenced();
        Map<String, Object> data = alertData(t);
        String text = alertText(t);
        try {
            db.inTransaction(h -> {
                if (opens) {
                    Map<String, Object> diagnostics = new LinkedHashMap<>();
                    Map<String, Object> triggering = new LinkedHashMap<>();
                    triggering.put("id", alert.id());
                    triggering.put("labels", alert.labels());
                    triggering.put("summary", alert.summary());
                    triggering.put("activeSince", alert.activeSince());
                    triggering.put("firingDecision", alert.firingDecision() == null ? alert.decision() : alert.firingDecision());
                    diagnostics.put("triggeringAlert", triggering);
                    OpenRequest request = OpenRequest.of(rollout, alert.guard() + ": " + alert.summary(), IncidentSeverity.SEV2)
                            .withSummary(text).withFirstSignalAt(alert.activeSince()).withDiagnostics(diagnostics)
                            .withCause(new OpenRequest.Cause(TimelineEntry.ALERT, text, data));
                    openOrJoinResult(h, request, Actor.SYSTEM);
                } else {
                    recordForRollout(h, rollout, TimelineEntry.ALERT, Actor.SYSTEM.display(), text, data);
                }
                return null;
            });
        } catch (RuntimeException e) {
            alertFailures.incrementAndGet();
            log.warn("alert {} ({} -> {}) of rollout '{}' could not be {} an incident", alert.id(), t.from(), t.to(),
                    rollout == null ? "" : rollout, opens ? "opened as or joined to" : "recorded on", e);
        }
    }

    /** Alert transitions that could not be turned into incidents or timeline entries since start. */
    public long alertFailures() {
        return alertFailures.get();
    }

    private static String alertText(AlertTransition t) {
        Alert a = t.alert();
        StringBuilder sb = new StringBuilder();
        sb.append(a.severity().wire()).append(" alert ").append(a.guard());
        if (a.scope() != null && !a.scope().isEmpty()) {
            sb.append(" (").append(a.scope()).append(')');
        }
        sb.append(' ').append(t.to().wire());
        if (a.silenced()) {
            sb.append(" (silenced)");
        }
        return sb.append(": ").append(a.summary()).toString();
    }

    private static Map<String, Object> alertData(AlertTransition t) {
        Alert a = t.alert();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("alertId", a.id());
        data.put("fingerprint", a.fingerprint());
        data.put("guard", a.guard());
        data.put("scope", a.scope());
        data.put("severity", a.severity().wire());
        data.put("from", t.from() == null ? null : t.from().wire());
        data.put("to", t.to().wire());
        data.put("silenced", a.silenced());
        if (a.decision() != null) {
            data.put(DECISION, a.decision());
            if (a.decision().get("id") instanceof Number n) {
                data.put(DECISION_ID, n.longValue());
            }
        }
        return data;
    }

    // ---- inside ----

    private Opening openOrJoinResult(Handle h, OpenRequest r, Actor actor) {
        Objects.requireNonNull(r, "request");
        Objects.requireNonNull(actor, "actor");
        Instant now = clock.instant();
        String key = openKey(r.rollout());
        String title = cut(r.title().isBlank() ? "incident" : r.title().strip(), MAX_TITLE);
        Instant firstSignal = r.firstSignalAt();
        if (firstSignal != null && firstSignal.isAfter(now)) {
            firstSignal = now; // another node's clock ahead of ours: never a negative detection time
        }
        if (r.cause() != null) {
            checkKind(r.cause().kind());
        }
        Optional<Incident> active = store.lockActive(h, key);
        if (active.isPresent()) {
            return new Opening(join(h, active.get(), r, title, firstSignal, actor, now), false);
        }
        Integer phase = r.rollout() == null ? null
                : rollouts.find(h, r.rollout()).map(s -> s.rollout().currentPhase()).orElse(null);
        long id = store.insert(h, new IncidentStore.NewIncident(r.rollout(), key, title,
                r.summary() == null ? null : cut(r.summary(), MAX_TEXT), r.severity(), now, actor.display(), firstSignal, phase,
                r.diagnostics().isEmpty() ? null : dataJson(r.diagnostics())));
        entry(h, id, now, TimelineEntry.STATE, actor.display(), "opened by " + actor.display() + " as " + label(r.severity()) + ": " + title,
                Map.of("severity", r.severity().wire()));
        if (r.cause() != null) {
            entry(h, id, now, r.cause().kind(), actor.display(), r.cause().text(), r.cause().data());
        }
        Incident incident = store.find(h, id).orElseThrow();
        audit.record(h, now, actor, new AuditLog.Entry("incident.opened", r.rollout(), subject(id), null, auditView(incident)));
        changed(h, incident, IncidentListener.OPENED);
        return new Opening(incident, true);
    }

    private Incident join(Handle h, Incident current, OpenRequest r, String title, Instant firstSignal, Actor actor, Instant now) {
        long id = current.id();
        Map<String, Object> requested = new LinkedHashMap<>();
        requested.put("title", title);
        requested.put("severity", r.severity().wire());
        if (r.summary() != null) {
            requested.put("summary", cut(r.summary(), MAX_TEXT));
        }
        Map<String, Object> merged = current.diagnostics() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(current.diagnostics());
        TreeSet<String> added = new TreeSet<>();
        for (Map.Entry<String, Object> e : r.diagnostics().entrySet()) {
            if (!merged.containsKey(e.getKey())) {
                merged.put(e.getKey(), e.getValue());
                added.add(e.getKey());
            }
        }
        if (!added.isEmpty()) {
            requested.put("diagnosticsAdded", List.copyOf(added));
        }
        if (r.cause() != null) {
            Map<String, Object> data = new LinkedHashMap<>(r.cause().data());
            data.put("joined", requested);
            entry(h, id, now, r.cause().kind(), actor.display(), r.cause().text(), data);
        } else {
            String kind = Actor.SYSTEM.id().equals(actor.id()) ? TimelineEntry.NOTE : TimelineEntry.ACTION;
            entry(h, id, now, kind, actor.display(), actor.display() + " reported: " + title, Map.of("joined", requested));
        }
        Instant earliest = current.firstSignalAt();
        if (firstSignal != null && (earliest == null || firstSignal.isBefore(earliest))) {
            earliest = firstSignal;
        }
        if (!added.isEmpty() || !Objects.equals(earliest, current.firstSignalAt())) {
            store.joined(h, id, earliest, merged.isEmpty() ? null : dataJson(merged));
        }
        if (r.severity().worseThan(current.severity())) {
            store.raise(h, id, r.severity());
            entry(h, id, now, TimelineEntry.STATE, actor.display(), "severity raised from " + label(current.severity()) + " to "
                    + label(r.severity()) + ": " + title, Map.of("from", current.severity().wire(), "to", r.severity().wire()));
            Incident raised = store.find(h, id).orElseThrow();
            audit.record(h, now, actor, new AuditLog.Entry("incident.severity-raised", current.rollout(), subject(id),
                    Map.of("severity", current.severity().wire()), Map.of("severity", r.severity().wire())));
            changed(h, raised, IncidentListener.SEVERITY_RAISED);
            return raised;
        }
        return store.find(h, id).orElseThrow();
    }

    /** After a person's change: audit it, tell listeners, answer the incident with its timeline. */
    private Incident changedByPerson(Handle h, Incident before, Actor actor, Instant now, String action, String change) {
        Incident after = store.find(h, before.id()).orElseThrow();
        audit.record(h, now, actor, new AuditLog.Entry(action, before.rollout(), subject(before.id()), auditView(before), auditView(after)));
        changed(h, after, change);
        return withTimeline(h, after);
    }

    private void changed(Handle h, Incident incident, String change) {
        for (IncidentListener listener : listeners) {
            listener.changed(h, incident, change);
        }
    }

    private TimelineEntry entry(Handle h, long incidentId, Instant at, String kind, String actor, String text, Map<String, ?> data) {
        String who = actor == null || actor.isBlank() ? Actor.SYSTEM.display() : cut(actor, MAX_ASSIGNEE);
        String what = cut(text == null ? "" : text, MAX_TEXT);
        String json = data == null || data.isEmpty() ? null : dataJson(data);
        long id = store.insertEntry(h, incidentId, at, kind, who, what, json);
        return store.entry(h, id).orElseThrow();
    }

    private Incident withTimeline(Handle h, Incident incident) {
        return incident.withTimeline(store.entries(h, incident.id()));
    }

    private static Map<String, Object> auditView(Incident i) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("title", i.title());
        view.put("severity", i.severity().wire());
        view.put("state", i.state().wire());
        if (i.assignee() != null) {
            view.put("assignee", i.assignee());
        }
        if (i.resolution() != null) {
            view.put("resolution", i.resolution());
        }
        return view;
    }

    private static void checkKind(String kind) {
        if (!TimelineEntry.KINDS.contains(kind)) {
            throw new IllegalArgumentException("timeline kind '" + kind + "' is not one of " + TimelineEntry.KINDS);
        }
    }

    private static String dataJson(Map<String, ?> data) {
        String json;
        try {
            json = Json.write(data);
        } catch (RuntimeException e) {
            // The caller's bug, but the incident must still be recorded: keep a note instead of the data.
            log.warn("incident data cannot be written as JSON; storing a note instead", e);
            return Json.write(Map.of("error", "the data could not be written as JSON"));
        }
        if (json.length() > MAX_DATA_CHARS) {
            return Json.write(Map.of("truncated", true, "chars", json.length()));
        }
        return json;
    }

    /** Text a machine gave: NUL (which PostgreSQL cannot store) replaced, cut to {@code max} characters. */
    private static String cut(String text, int max) {
        String clean = text.replace('\u0000', '\uFFFD');
        return clean.length() <= max ? clean : clean.substring(0, max - 1) + "…";
    }

    private static String requiredText(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw invalid(field, "is required");
        }
        if (value.length() > max) {
            throw invalid(field, "is " + value.length() + " characters long; at most " + max + " are allowed");
        }
        return value;
    }

    static String label(IncidentSeverity severity) {
        return severity.name();
    }

    /** The key of the open-incident slot: the rollout, or "" for system-wide. */
    private static String openKey(String rollout) {
        return rollout == null ? "" : rollout;
    }

    private static String subject(long id) {
        return "incident:" + id;
    }

    private static PhasegateException.Invalid invalid(String field, String message) {
        return new PhasegateException.Invalid(new Problem(field, message));
    }

    static PhasegateException.NotFound notFound(long id) {
        return new PhasegateException.NotFound("no incident " + id);
    }
}
