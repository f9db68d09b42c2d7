package dev.phasegate.server.alert;

import com.fasterxml.jackson.databind.util.RawValue;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.store.Database;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The alerts of guards, and the single owner of their state. The guard engine reports each evaluation of
 * each rule with {@link #observe}; this class applies the hysteresis, stores alerts and their history, and
 * tells listeners about transitions. People acknowledge and silence through it.
 *
 * <pre>{@code
 * AlertBook alerts = new AlertBook(db, audit, clock);
 * alerts.onTransition(t -> log.info("{} {} -> {}", t.alert().guard(), t.from(), t.to()));
 * AlertRule rule = new AlertRule(Map.of("rollout", "checkout-v2", "guard", "error-rate", "scope", "beta",
 *         "severity", "critical"), Severity.CRITICAL, Duration.ofMinutes(1), Duration.ofMinutes(5));
 * alerts.observe(rule, Condition.BREACHING, "error rate 3.2 % ≥ critical 2 % over 1m, 4,210 requests", decision);
 * }</pre>
 *
 * <p>Lifecycle per fingerprint: a breach opens a {@code pending} alert ({@code activeSince}); a breach that
 * has held for the rule's {@code for} fires it ({@code firedAt}; zero fires at once); a pending alert whose
 * guard clears is dropped (deleted with its events, and no transition: nobody heard of it). A firing alert
 * resolves once the guard has been clear for {@code keepFiringFor}; a breach meanwhile cancels the clearing.
 * {@link Condition#UNKNOWN} holds everything: a pending alert does not fire, a clearing alert does not
 * resolve; the timers keep their start, so the next decisive evaluation is judged from it.
 *
 * <p>Open alerts are indexed in memory (loaded from the store at construction and by {@link #reload}), so
 * the usual call, a healthy guard with nothing open, touches no database. The latest evaluation of an open
 * alert is written at most every {@link #DECISION_WRITE_INTERVAL}; transitions and timer changes at once.
 */
public final class AlertBook {

    private static final Logger log = LoggerFactory.getLogger(AlertBook.class);

    /**
     * The engine evaluates every second; writing each open alert's evaluation every second would be a write
     * per alert per second for the whole incident. A reader of another node sees it at most this old; this
     * node's readers see it fresh (from the index).
     */
    static final Duration DECISION_WRITE_INTERVAL = Duration.ofSeconds(15);
    /** Summaries are one sentence; the column holds 2,048 characters. */
    static final int MAX_SUMMARY = 2000;
    /** A decision is a page of numbers, not a data dump: larger ones are stored as a note of their size. */
    static final int MAX_DECISION_CHARS = 64 * 1024;
    /** Silences considered at once; far above any real number of unexpired silences. */
    static final int MAX_SILENCES = 1000;
    static final int MAX_COMMENT = 1024;

    private final Database db;
    private final AuditLog audit;
    private final Clock clock;
    private final AlertStore store = new AlertStore();
    /** Open alerts by fingerprint. Read anywhere; changed only under {@link #lock}, after the change committed. */
    private final Map<String, Open> open = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final List<Consumer<AlertTransition>> listeners = new CopyOnWriteArrayList<>();

    /** An open alert as the state machine needs it; replaced, never changed. */
    private record Open(long id, String fingerprint, Map<String, String> labels, Severity severity, AlertState state,
                        Instant activeSince, Instant clearingSince, String summary, String decisionJson, Instant evaluatedAt,
                        Instant writtenAt) {

        Open evaluated(String newSummary, String newDecision, Instant at, Instant clearing) {
            return new Open(id, fingerprint, labels, severity, state, activeSince, clearing, newSummary, newDecision, at, writtenAt);
        }

        Open written(Instant at) {
            return new Open(id, fingerprint, labels, severity, state, activeSince, clearingSince, summary, decisionJson, evaluatedAt, at);
        }

        boolean sameGuard(String rollout, String guard) {
            return labels.get(AlertRule.ROLLOUT).equals(rollout) && labels.get(AlertRule.GUARD).equals(guard);
        }
    }

    /** Thrown inside a transaction when the stored alert is not in the state the index says. */
    private static final class StaleIndex extends RuntimeException {
        StaleIndex() {
            super(null, null, false, false);
        }
    }

    public AlertBook(Database db, AuditLog audit, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        reload();
    }

    /**
     * Reloads the open alerts from the store. Call it when this node becomes the one that evaluates guards:
     * another node may have opened or resolved alerts meanwhile.
     */
    public void reload() {
        synchronized (lock) {
            List<AlertStore.Row> rows = db.withHandle(store::open);
            open.clear();
            for (AlertStore.Row row : rows) {
                open.put(row.fingerprint(), openOf(row));
            }
            log.info("alerts: {} open alert(s) loaded", rows.size());
        }
    }

    /** Listeners hear each transition after it committed, in order, on the observing thread (keep them quick). */
    public void onTransition(Consumer<AlertTransition> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * One evaluation of one rule.
     *
     * @param summary  one sentence with numbers, e.g. "error rate 3.2 % ≥ critical 2 % over 1m, 4,210 requests"
     * @param decision the evaluation as a JSON-able map ("why did it fire"), kept as the latest and, when it
     *                 fires, as the firing decision
     * @return the transitions caused (also delivered to listeners)
     */
    public List<AlertTransition> observe(AlertRule rule, Condition condition, String summary, Map<String, Object> decision) {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(condition, "condition");
        String fingerprint = rule.fingerprint();
        if (condition != Condition.BREACHING && !open.containsKey(fingerprint)) {
            return List.of(); // the usual call: healthy or unknown, nothing open; no store access
        }
        List<AlertTransition> transitions;
        synchronized (lock) {
            transitions = step(rule, fingerprint, condition, summary(summary), decisionJson(decision), clock.instant());
        }
        for (AlertTransition t : transitions) {
            for (Consumer<AlertTransition> listener : listeners) {
                try {
                    listener.accept(t);
                } catch (RuntimeException e) {
                    log.warn("an alert transition listener failed on alert {} ({} -> {})", t.alert().id(), t.from(), t.to(), e);
                }
            }
        }
        return transitions;
    }

    private List<AlertTransition> step(AlertRule rule, String fp, Condition condition, String summary, String decision, Instant now) {
        Open current = open.get(fp);
        try {
            if (current == null) {
                return openNew(rule, fp, summary, decision, now);
            }
            return switch (current.state()) {
                case PENDING -> pending(current, rule, condition, summary, decision, now);
                case FIRING -> firing(current, rule, condition, summary, decision, now);
                case RESOLVED -> throw new IllegalStateException("resolved alert " + current.id() + " in the open index");
            };
        } catch (StaleIndex e) {
            // Another instance changed this alert (a former leader still finishing a tick): take the store's word
            // and judge again at the next evaluation.
            log.warn("alert {} changed outside this node; reloading it from the store", current == null ? fp : current.id());
            Optional<AlertStore.Row> stored = db.withHandle(h -> store.findOpen(h, fp));
            stored.ifPresentOrElse(row -> open.put(fp, openOf(row)), () -> open.remove(fp));
            return List.of();
        }
    }

    private record Opened(Open open, List<AlertTransition> transitions, boolean adopted) {
    }

    private List<AlertTransition> openNew(AlertRule rule, String fp, String summary, String decision, Instant now) {
        Opened result = db.inTransaction(h -> {
            Optional<AlertStore.Row> existing = store.findOpen(h, fp);
            if (existing.isPresent()) {
                return new Opened(openOf(existing.get()), List.of(), true);
            }
            AlertState state = rule.forDuration().isZero() ? AlertState.FIRING : AlertState.PENDING;
            Long inhibitor = rule.severity() == Severity.WARNING ? firingCritical(rule.rollout(), rule.guard(), -1) : null;
            List<Silence> silences = activeSilences(h, now);
            List<Long> silencedBy = Silences.matching(silences, rule.labels(), now);
            long id = store.insert(h, new AlertStore.NewAlert(fp, rule.labels(), rule.severity(), state, summary, now, decision,
                    inhibitor, silencedBy));
            store.event(h, id, now, state.wire(), Actor.SYSTEM.display(), transitionDetail(summary, decision, silencedBy));
            if (inhibitor != null) {
                store.event(h, id, now, "inhibited", Actor.SYSTEM.display(), Map.of("by", inhibitor));
            }
            if (state == AlertState.FIRING && rule.severity() == Severity.CRITICAL) {
                reinhibit(h, rule.rollout(), rule.guard(), id, true, now);
            }
            Alert alert = view(store.find(h, id).orElseThrow(), silences, now);
            Open opened = new Open(id, fp, rule.labels(), rule.severity(), state, now, null, summary, decision, now, now);
            return new Opened(opened, List.of(new AlertTransition(alert, null, state, now)), false);
        });
        open.put(fp, result.open());
        if (result.adopted()) {
            // Opened by another instance: continue its timers instead of opening a duplicate.
            return step(rule, fp, Condition.BREACHING, summary, decision, now);
        }
        return result.transitions();
    }

    private List<AlertTransition> pending(Open current, AlertRule rule, Condition condition, String summary, String decision, Instant now) {
        switch (condition) {
            case CLEAR -> {
                db.inTransaction(h -> {
                    if (!store.dropPending(h, current.id())) {
                        throw new StaleIndex();
                    }
                    return null;
                });
                open.remove(current.fingerprint());
                return List.of();
            }
            case BREACHING -> {
                if (now.isBefore(current.activeSince().plus(rule.forDuration()))) {
                    return evaluated(current, summary, decision, now, null, false);
                }
                AlertTransition t = db.inTransaction(h -> {
                    List<Silence> silences = activeSilences(h, now);
                    List<Long> silencedBy = Silences.matching(silences, current.labels(), now);
                    if (!store.fire(h, current.id(), now, summary, decision, silencedBy)) {
                        throw new StaleIndex();
                    }
                    store.event(h, current.id(), now, AlertState.FIRING.wire(), Actor.SYSTEM.display(),
                            transitionDetail(summary, decision, silencedBy));
                    if (current.severity() == Severity.CRITICAL) {
                        reinhibit(h, rule.rollout(), rule.guard(), current.id(), true, now);
                    }
                    return new AlertTransition(view(store.find(h, current.id()).orElseThrow(), silences, now),
                            AlertState.PENDING, AlertState.FIRING, now);
                });
                open.put(current.fingerprint(), new Open(current.id(), current.fingerprint(), current.labels(), current.severity(),
                        AlertState.FIRING, current.activeSince(), null, summary, decision, now, now));
                return List.of(t);
            }
            default -> {
                return evaluated(current, summary, decision, now, null, false);
            }
        }
    }

    private List<AlertTransition> firing(Open current, AlertRule rule, Condition condition, String summary, String decision, Instant now) {
        switch (condition) {
            case BREACHING -> {
                // A breach cancels the clearing: the next clear period starts from zero.
                return evaluated(current, summary, decision, now, null, current.clearingSince() != null);
            }
            case CLEAR -> {
                Instant clearing = current.clearingSince() == null ? now : current.clearingSince();
                if (now.isBefore(clearing.plus(rule.keepFiringFor()))) {
                    return evaluated(current, summary, decision, now, clearing, current.clearingSince() == null);
                }
                AlertTransition t = db.inTransaction(h -> {
                    List<Silence> silences = activeSilences(h, now);
                    List<Long> silencedBy = Silences.matching(silences, current.labels(), now);
                    if (current.clearingSince() == null) {
                        // keepFiringFor zero: no clearing was stored; record when it cleared for the reader.
                        store.update(h, current.id(), AlertState.FIRING, now, summary, decision, now);
                    }
                    if (!store.resolve(h, current.id(), now, summary, decision, silencedBy)) {
                        throw new StaleIndex();
                    }
                    store.event(h, current.id(), now, AlertState.RESOLVED.wire(), Actor.SYSTEM.display(),
                            transitionDetail(summary, decision, silencedBy));
                    if (current.severity() == Severity.CRITICAL) {
                        reinhibit(h, rule.rollout(), rule.guard(), current.id(), false, now);
                    }
                    return new AlertTransition(view(store.find(h, current.id()).orElseThrow(), silences, now),
                            AlertState.FIRING, AlertState.RESOLVED, now);
                });
                open.remove(current.fingerprint());
                return List.of(t);
            }
            default -> {
                return evaluated(current, summary, decision, now, current.clearingSince(), false);
            }
        }
    }

    /** Keeps the latest evaluation; writes it if {@code force} (a timer changed) or the last write is old enough. */
    private List<AlertTransition> evaluated(Open current, String summary, String decision, Instant now, Instant clearing, boolean force) {
        Open next = current.evaluated(summary, decision, now, clearing);
        if (force || !now.isBefore(current.writtenAt().plus(DECISION_WRITE_INTERVAL))) {
            boolean updated = db.withHandle(h -> store.update(h, current.id(), current.state(), now, summary, decision, clearing));
            if (!updated) {
                throw new StaleIndex();
            }
            next = next.written(now);
        }
        open.put(current.fingerprint(), next);
        return List.of();
    }

    /** The lowest id of a firing critical alert of this rollout and guard, other than {@code excluding}, from the index. */
    private Long firingCritical(String rollout, String guard, long excluding) {
        Long best = null;
        for (Open o : open.values()) {
            if (o.severity() == Severity.CRITICAL && o.state() == AlertState.FIRING && o.id() != excluding && o.sameGuard(rollout, guard)
                    && (best == null || o.id() < best)) {
                best = o.id();
            }
        }
        return best;
    }

    /**
     * Points the open warnings of a rollout and guard at their inhibitor after critical alert {@code critical}
     * started firing ({@code firing}) or resolved, recording each change in the warning's history.
     */
    private void reinhibit(Handle h, String rollout, String guard, long critical, boolean firing, Instant now) {
        Long other = firingCritical(rollout, guard, critical);
        Long inhibitor;
        if (firing) {
            inhibitor = other == null ? Long.valueOf(critical) : Long.valueOf(Math.min(other, critical));
        } else {
            inhibitor = other;
        }
        for (Open w : open.values()) {
            if (w.severity() != Severity.WARNING || !w.sameGuard(rollout, guard)) {
                continue;
            }
            Long before = store.find(h, w.id()).map(AlertStore.Row::inhibitedBy).orElse(null);
            if (!Objects.equals(before, inhibitor)) {
                store.inhibit(h, w.id(), inhibitor);
                store.event(h, w.id(), now, inhibitor == null ? "uninhibited" : "inhibited", Actor.SYSTEM.display(),
                        Map.of("by", inhibitor == null ? before : inhibitor));
            }
        }
    }

    /** The alerts matching {@code query}, newest first, with {@code silenced} as of now. */
    public List<Alert> list(AlertQuery query) {
        Instant now = clock.instant();
        return db.withHandle(h -> {
            List<Silence> silences = activeSilences(h, now);
            List<Alert> out = new ArrayList<>();
            // The silenced filter is computed, not stored: read pages until enough match.
            int page = query.silenced() == null ? query.limit() : Math.max(query.limit(), 200);
            Long before = query.before();
            while (out.size() < query.limit()) {
                List<AlertStore.Row> rows = store.list(h, query, before, page);
                for (AlertStore.Row row : rows) {
                    Alert alert = view(row, silences, now);
                    if (query.silenced() == null || alert.silenced() == query.silenced()) {
                        out.add(alert);
                        if (out.size() == query.limit()) {
                            break;
                        }
                    }
                }
                if (rows.size() < page) {
                    break;
                }
                before = rows.get(rows.size() - 1).id();
            }
            return out;
        });
    }

    /** One alert with its history. */
    public Optional<Alert> get(long id) {
        Instant now = clock.instant();
        return db.withHandle(h -> store.find(h, id).map(row -> view(row, activeSilences(h, now), now).withHistory(store.events(h, id))));
    }

    /**
     * Records who acknowledged a pending or firing alert (again: the latest acknowledgement is shown, each one
     * is in the history). 404 for an unknown alert, 409 for a resolved one.
     */
    public Alert acknowledge(long id, Actor actor, String comment) {
        if (comment != null && comment.length() > MAX_COMMENT) {
            throw new PhasegateException.Invalid(new Problem("comment", "is longer than " + MAX_COMMENT + " characters"));
        }
        return db.inTransaction(h -> {
            Instant now = clock.instant();
            AlertStore.Row row = store.lock(h, id).orElseThrow(() -> notFound(id));
            if (row.state() == AlertState.RESOLVED) {
                throw new PhasegateException.Conflict("alert " + id + " resolved at " + row.resolvedAt()
                        + "; only pending or firing alerts can be acknowledged");
            }
            store.acknowledge(h, id, now, actor.display(), comment);
            store.event(h, id, now, "acknowledged", actor.display(), comment == null ? Map.of() : Map.of("comment", comment));
            Map<String, Object> before = new LinkedHashMap<>();
            before.put("state", row.state().wire());
            if (row.acknowledgement() != null) {
                before.put("acknowledgement", row.acknowledgement());
            }
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("state", row.state().wire());
            after.put("acknowledgement", new Alert.Acknowledgement(now, actor.display(), comment));
            audit.record(h, now, actor, new AuditLog.Entry("alert.acknowledged", rolloutKey(row.labels().get(AlertRule.ROLLOUT)),
                    "alert:" + id, before, after));
            return view(store.find(h, id).orElseThrow(), activeSilences(h, now), now);
        });
    }

    /** Creates a silence (422 naming the field for a bad request); open alerts it matches note it in their history. */
    public Silence silence(SilenceRequest request, Actor actor) {
        Objects.requireNonNull(request, "request");
        Instant now = clock.instant();
        SilenceRequest checked = Silences.validate(request, now);
        return db.inTransaction(h -> {
            long id = store.insertSilence(h, checked, actor.display(), now);
            Silence silence = store.findSilence(h, id, now).orElseThrow();
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("silence", id);
            detail.put("startsAt", silence.startsAt());
            detail.put("endsAt", silence.endsAt());
            detail.put("comment", silence.comment());
            for (AlertStore.Row row : store.open(h)) {
                // Locked first: a pending alert that clears meanwhile is deleted, and its history with it.
                if (Silences.matches(silence, row.labels()) && store.lock(h, row.id()).isPresent()) {
                    store.event(h, row.id(), now, "silenced", actor.display(), detail);
                }
            }
            audit.record(h, now, actor, new AuditLog.Entry("silence.created", rolloutOf(silence), "silence:" + id, null, silence));
            return silence;
        });
    }

    /** Ends a silence now (one that has not started yet ends before it starts). 404 unknown, 409 already expired. */
    public Silence expire(long silenceId, Actor actor) {
        return db.inTransaction(h -> {
            // Milliseconds, as silences are created: a stored end rounded up past "now" would read back as active.
            Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            Silence before = store.lockSilence(h, silenceId, now)
                    .orElseThrow(() -> new PhasegateException.NotFound("no silence " + silenceId));
            if (!now.isBefore(before.endsAt())) {
                throw new PhasegateException.Conflict("silence " + silenceId + " already expired at " + before.endsAt());
            }
            Instant startsAt = before.startsAt().isAfter(now) ? now : before.startsAt();
            store.expireSilence(h, silenceId, startsAt, now, actor.display());
            if (before.activeAt(now)) {
                for (AlertStore.Row row : store.open(h)) {
                    if (Silences.matches(before, row.labels()) && store.lock(h, row.id()).isPresent()) {
                        store.event(h, row.id(), now, "unsilenced", actor.display(), Map.of("silence", silenceId));
                    }
                }
            }
            Silence after = store.findSilence(h, silenceId, now).orElseThrow();
            audit.record(h, now, actor, new AuditLog.Entry("silence.expired", rolloutOf(before), "silence:" + silenceId, before, after));
            return after;
        });
    }

    /** Silences newest first: those not yet ended, or (with {@code includeExpired}) the latest 1,000 of all. */
    public List<Silence> silences(boolean includeExpired) {
        Instant now = clock.instant();
        return db.withHandle(h -> store.silences(h, now, includeExpired, MAX_SILENCES));
    }

    private List<Silence> activeSilences(Handle h, Instant now) {
        return store.silences(h, now, false, MAX_SILENCES).stream().filter(s -> s.activeAt(now)).toList();
    }

    private Alert view(AlertStore.Row row, List<Silence> silences, Instant now) {
        List<Long> silencedBy = row.state().open() ? Silences.matching(silences, row.labels(), now) : row.silencedBy();
        String summary = row.summary();
        String decision = row.decisionJson();
        Instant evaluatedAt = row.evaluatedAt();
        Open indexed = open.get(row.fingerprint());
        if (indexed != null && indexed.id() == row.id() && indexed.evaluatedAt().isAfter(evaluatedAt)) {
            // Evaluated since the last write (writes are spaced out): this node knows better.
            summary = indexed.summary();
            decision = indexed.decisionJson();
            evaluatedAt = indexed.evaluatedAt();
        }
        Map<String, String> labels = row.labels();
        return new Alert(row.id(), row.fingerprint(), labels, labels.get(AlertRule.ROLLOUT), labels.get(AlertRule.GUARD),
                labels.get(AlertRule.SCOPE), row.severity(), row.state(), summary, row.activeSince(), row.firedAt(),
                row.clearingSince(), row.resolvedAt(), evaluatedAt, AlertStore.object(decision),
                AlertStore.object(row.firingDecisionJson()), row.acknowledgement(), !silencedBy.isEmpty(), List.copyOf(silencedBy),
                row.inhibitedBy() != null, row.inhibitedBy(), null);
    }

    private static Open openOf(AlertStore.Row row) {
        return new Open(row.id(), row.fingerprint(), row.labels(), row.severity(), row.state(), row.activeSince(), row.clearingSince(),
                row.summary(), row.decisionJson(), row.evaluatedAt(), row.evaluatedAt());
    }

    private static Map<String, Object> transitionDetail(String summary, String decision, List<Long> silencedBy) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("summary", summary);
        if (decision != null) {
            detail.put("decision", new RawValue(decision));
        }
        if (!silencedBy.isEmpty()) {
            detail.put("silencedBy", silencedBy);
        }
        return detail;
    }

    private static String summary(String summary) {
        if (summary == null) {
            return "";
        }
        return summary.length() <= MAX_SUMMARY ? summary : summary.substring(0, MAX_SUMMARY) + "…";
    }

    private static String decisionJson(Map<String, Object> decision) {
        if (decision == null) {
            return null;
        }
        String json;
        try {
            json = Json.write(decision);
        } catch (RuntimeException e) {
            // The engine's bug, but the alert must still move: keep a note instead of the decision.
            log.warn("an alert decision cannot be written as JSON; storing a note instead", e);
            return Json.write(Map.of("error", "the decision could not be written as JSON"));
        }
        if (json.length() > MAX_DECISION_CHARS) {
            return Json.write(Map.of("truncated", true, "chars", json.length()));
        }
        return json;
    }

    private static String rolloutKey(String rollout) {
        return rollout == null || rollout.isEmpty() ? null : rollout;
    }

    /** The rollout a silence is about, for the audit log: its equality matcher on {@code rollout}, if any. */
    private static String rolloutOf(Silence silence) {
        for (SilenceMatcher m : silence.matchers()) {
            if (m.name().equals(AlertRule.ROLLOUT) && !m.regex() && m.value().length() <= 128) {
                return rolloutKey(m.value());
            }
        }
        return null;
    }

    private static PhasegateException.NotFound notFound(long id) {
        return new PhasegateException.NotFound("no alert " + id);
    }
}
