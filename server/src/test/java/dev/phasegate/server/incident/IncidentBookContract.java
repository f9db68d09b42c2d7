package dev.phasegate.server.incident;

import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.alert.AlertBook;
import dev.phasegate.server.alert.AlertRule;
import dev.phasegate.server.alert.Condition;
import dev.phasegate.server.alert.Severity;
import dev.phasegate.server.alert.SilenceMatcher;
import dev.phasegate.server.alert.SilenceRequest;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditEvent;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.guard.DecisionLog;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link IncidentBook} must do on every store: the lifecycle and its refusals, one active incident per
 * rollout under concurrency, severity raises, listeners inside the transaction, and incidents opened by
 * alerts of a real {@link AlertBook}. Each test uses its own rollout key, so tests share one store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IncidentBookContract {

    static final Instant START = Instant.parse("2025-06-01T12:00:00Z");
    static final Actor ALICE = new Actor("token:tok_alice", "token:tok_alice (alice)");

    TestStore store;
    Database db;
    AuditLog audit = new AuditLog();
    TestClock clock;
    IncidentBook book;
    List<String> heard;
    String rollout;

    abstract TestStore.Kind kind();

    @BeforeAll
    void open() {
        store = TestStore.create(kind());
        db = Database.open(store.settings());
    }

    @AfterAll
    void close() {
        if (db != null) {
            db.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void freshBook(TestInfo info) {
        clock = new TestClock(START);
        book = new IncidentBook(db, audit, new RolloutRepository(), new DecisionLog(db), clock);
        heard = new ArrayList<>();
        book.addListener((h, incident, change) -> heard.add(change + ":" + incident.id()));
        String name = info.getTestMethod().orElseThrow().getName().replace('_', '-');
        rollout = name.length() <= 128 ? name : name.substring(0, 128);
    }

    Incident openOrJoin(OpenRequest request) {
        return db.inTransaction(h -> book.openOrJoin(h, request, Actor.SYSTEM));
    }

    Incident timeline(long id) {
        return book.get(id).orElseThrow();
    }

    List<String> kinds(long id) {
        return timeline(id).timeline().stream().map(TimelineEntry::kind).toList();
    }

    List<String> auditActions() {
        return db.withHandle(h -> audit.list(h, rollout, null, 100)).stream().map(AuditEvent::action).toList();
    }

    List<Incident> incidentsOfRollout() {
        return book.list(new IncidentQuery(null, rollout, null, null, 100));
    }

    static String field(Throwable e) {
        return ((PhasegateException) e).problems().stream().map(Problem::field).findFirst().orElse("");
    }

    @Test
    void an_incident_moves_open_acknowledged_resolved_and_refuses_what_its_state_does_not_allow() {
        Incident opened = openOrJoin(OpenRequest.of(rollout, "error rate on checkout", IncidentSeverity.SEV3).withSummary("beta errors"));
        assertThat(opened.state()).isEqualTo(IncidentState.OPEN);
        assertThat(opened.severity()).isEqualTo(IncidentSeverity.SEV3);
        assertThat(opened.openedAt()).isEqualTo(START);
        assertThat(opened.openedBy()).isEqualTo("system");
        assertThat(opened.rollout()).isEqualTo(rollout);
        assertThat(kinds(opened.id())).containsExactly("state");

        clock.advance(Duration.ofMinutes(2));
        Incident acked = book.acknowledge(opened.id(), ALICE, "looking");
        assertThat(acked.state()).isEqualTo(IncidentState.ACKNOWLEDGED);
        assertThat(acked.acknowledgedAt()).isEqualTo(START.plus(Duration.ofMinutes(2)));
        assertThat(acked.acknowledgedBy()).isEqualTo(ALICE.display());
        assertThat(acked.timeline()).last().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("state");
            assertThat(e.text()).contains("acknowledged by " + ALICE.display()).contains("looking");
            assertThat(e.data()).containsEntry("note", "looking");
        });
        assertThatThrownBy(() -> book.acknowledge(opened.id(), ALICE, null))
                .isInstanceOf(PhasegateException.Conflict.class).hasMessageContaining("already acknowledged");

        Incident assigned = book.assign(opened.id(), ALICE, "bob@example.com");
        assertThat(assigned.assignee()).isEqualTo("bob@example.com");

        clock.advance(Duration.ofMinutes(10));
        Incident resolved = book.resolve(opened.id(), ALICE, "rolled back to phase 2");
        assertThat(resolved.state()).isEqualTo(IncidentState.RESOLVED);
        assertThat(resolved.resolvedAt()).isEqualTo(START.plus(Duration.ofMinutes(12)));
        assertThat(resolved.resolution()).isEqualTo("rolled back to phase 2");

        assertThatThrownBy(() -> book.resolve(opened.id(), ALICE, "again"))
                .isInstanceOf(PhasegateException.Conflict.class).hasMessageContaining("already resolved");
        assertThatThrownBy(() -> book.acknowledge(opened.id(), ALICE, null))
                .isInstanceOf(PhasegateException.Conflict.class).hasMessageContaining("resolved");
        assertThatThrownBy(() -> book.assign(opened.id(), ALICE, "carol"))
                .isInstanceOf(PhasegateException.Conflict.class);
        // Post-incident notes are still welcome.
        TimelineEntry comment = book.comment(opened.id(), ALICE, "root cause: a missing index");
        assertThat(comment.kind()).isEqualTo("comment");
        assertThat(comment.actor()).isEqualTo(ALICE.display());

        assertThat(kinds(opened.id())).containsExactly("state", "state", "state", "state", "comment");
        assertThat(heard).containsExactly("opened:" + opened.id(), "acknowledged:" + opened.id(), "assigned:" + opened.id(),
                "resolved:" + opened.id());
        assertThat(auditActions()).containsExactlyInAnyOrder("incident.opened", "incident.acknowledged", "incident.assigned",
                "incident.resolved", "incident.commented");

        // The slot is free again: the next signal opens a new incident.
        Incident next = openOrJoin(OpenRequest.of(rollout, "again", IncidentSeverity.SEV2));
        assertThat(next.id()).isNotEqualTo(opened.id());
        assertThat(next.state()).isEqualTo(IncidentState.OPEN);
    }

    @Test
    void bad_input_names_the_field_and_unknown_incidents_are_not_found() {
        Incident incident = openOrJoin(OpenRequest.of(rollout, "t", IncidentSeverity.SEV4));
        assertThatThrownBy(() -> book.comment(incident.id(), ALICE, " ")).satisfies(e -> assertThat(field(e)).isEqualTo("text"))
                .isInstanceOf(PhasegateException.Invalid.class);
        assertThatThrownBy(() -> book.comment(incident.id(), ALICE, "x".repeat(10_001)))
                .isInstanceOf(PhasegateException.Invalid.class).hasMessageContaining("10000");
        assertThat(book.comment(incident.id(), ALICE, "x".repeat(10_000)).text()).hasSize(10_000);
        assertThatThrownBy(() -> book.resolve(incident.id(), ALICE, null)).satisfies(e -> assertThat(field(e)).isEqualTo("resolution"));
        assertThatThrownBy(() -> book.assign(incident.id(), ALICE, "")).satisfies(e -> assertThat(field(e)).isEqualTo("assignee"));
        assertThatThrownBy(() -> book.open(OpenRequest.of(rollout, "t".repeat(201), IncidentSeverity.SEV1), ALICE))
                .satisfies(e -> assertThat(field(e)).isEqualTo("title"));
        assertThatThrownBy(() -> book.open(OpenRequest.of("no-such-rollout", "t", IncidentSeverity.SEV1), ALICE))
                .isInstanceOf(PhasegateException.Invalid.class).satisfies(e -> assertThat(field(e)).isEqualTo("rollout"));
        assertThatThrownBy(() -> book.acknowledge(Long.MAX_VALUE, ALICE, null)).isInstanceOf(PhasegateException.NotFound.class);
        assertThatThrownBy(() -> book.comment(Long.MAX_VALUE, ALICE, "hi")).isInstanceOf(PhasegateException.NotFound.class);
        assertThatThrownBy(() -> db.inTransaction(h -> book.record(h, Long.MAX_VALUE, "note", "system", "x", null)))
                .isInstanceOf(PhasegateException.NotFound.class);
        assertThat(book.get(Long.MAX_VALUE)).isEmpty();
        // Nothing was written by the refused requests.
        assertThat(kinds(incident.id())).containsExactly("state", "comment");
    }

    @Test
    void a_later_signal_joins_the_active_incident_and_raises_its_severity_only_upward() {
        Instant alertAt = START.minus(Duration.ofMinutes(3));
        Incident first = openOrJoin(OpenRequest.of(rollout, "latency", IncidentSeverity.SEV3).withFirstSignalAt(START.minusSeconds(60))
                .withDiagnostics(Map.of("guards", "first snapshot")));
        clock.advance(Duration.ofMinutes(1));
        Incident joined = openOrJoin(OpenRequest.of(rollout, "rollback started", IncidentSeverity.SEV2).withFirstSignalAt(alertAt)
                .withDiagnostics(Map.of("guards", "second snapshot", "recentChanges", List.of("plan.applied")))
                .withCause(new OpenRequest.Cause(TimelineEntry.RUNBOOK, "rollback started", Map.of("step", "pause"))));
        assertThat(joined.id()).isEqualTo(first.id());
        assertThat(joined.severity()).isEqualTo(IncidentSeverity.SEV2);
        assertThat(joined.firstSignalAt()).isEqualTo(alertAt);
        assertThat(joined.diagnostics()).containsEntry("guards", "first snapshot").containsKey("recentChanges");

        Incident milder = openOrJoin(OpenRequest.of(rollout, "a warning", IncidentSeverity.SEV4));
        assertThat(milder.severity()).isEqualTo(IncidentSeverity.SEV2);

        List<TimelineEntry> timeline = timeline(first.id()).timeline();
        assertThat(timeline).extracting(TimelineEntry::kind).containsExactly("state", "runbook", "state", "note");
        assertThat(timeline.get(1).data()).containsEntry("step", "pause");
        assertThat(timeline.get(2).text()).contains("severity raised from SEV3 to SEV2");
        assertThat(timeline.get(2).data()).containsEntry("from", "sev3").containsEntry("to", "sev2");
        assertThat(heard).containsExactly("opened:" + first.id(), "severity-raised:" + first.id());
        assertThat(incidentsOfRollout()).hasSize(1);
    }

    @Test
    void fifty_concurrent_signals_leave_exactly_one_active_incident_for_the_rollout() throws Exception {
        int n = 50;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Incident>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                IncidentSeverity severity = IncidentSeverity.values()[i % 4];
                OpenRequest request = OpenRequest.of(rollout, "signal " + i, severity)
                        .withCause(new OpenRequest.Cause(TimelineEntry.DECISION, "signal " + i, Map.of("signal", i)));
                results.add(pool.submit(() -> {
                    go.await();
                    return openOrJoin(request);
                }));
            }
            go.countDown();
            Set<Long> ids = new HashSet<>();
            for (Future<Incident> f : results) {
                ids.add(f.get(120, TimeUnit.SECONDS).id());
            }
            assertThat(ids).hasSize(1);
        }
        List<Incident> all = incidentsOfRollout();
        assertThat(all).hasSize(1);
        Incident incident = all.get(0);
        assertThat(incident.severity()).isEqualTo(IncidentSeverity.SEV1);
        List<TimelineEntry> timeline = timeline(incident.id()).timeline();
        // Every signal is on the timeline exactly once, whichever transaction was retried.
        assertThat(timeline.stream().filter(e -> e.kind().equals("decision")).map(e -> e.data().get("signal")))
                .hasSize(n).doesNotHaveDuplicates();
        assertThat(timeline.stream().filter(e -> e.text().startsWith("opened by"))).hasSize(1);
        assertThat(heard.stream().filter(c -> c.startsWith("opened:"))).hasSize(1);
        assertThat(auditActions().stream().filter(a -> a.equals("incident.opened"))).hasSize(1);
    }

    @Test
    void a_listener_runs_inside_the_transaction_and_its_failure_rolls_the_change_back() {
        Incident incident = openOrJoin(OpenRequest.of(rollout, "t", IncidentSeverity.SEV3));
        book.addListener((h, i, change) -> {
            // Writes of the listener commit with the change...
            book.record(h, i.id(), TimelineEntry.NOTIFICATION, "system", "paged on-call about " + change, Map.of());
            if (change.equals(IncidentListener.ACKNOWLEDGED)) {
                throw new IllegalStateException("outbox unavailable");
            }
        });
        assertThatThrownBy(() -> book.acknowledge(incident.id(), ALICE, null)).hasMessageContaining("outbox unavailable");
        Incident after = timeline(incident.id());
        assertThat(after.state()).isEqualTo(IncidentState.OPEN);
        assertThat(after.timeline()).extracting(TimelineEntry::kind).containsExactly("state");
        assertThat(auditActions()).doesNotContain("incident.acknowledged");

        Incident resolved = book.resolve(incident.id(), ALICE, "fixed");
        assertThat(resolved.timeline()).extracting(TimelineEntry::kind).containsExactly("state", "state", "notification");

        // ...and a failing listener on opening leaves no incident at all.
        book.addListener((h, i, change) -> {
            throw new IllegalStateException("no");
        });
        assertThatThrownBy(() -> openOrJoin(OpenRequest.of(rollout, "second", IncidentSeverity.SEV3))).hasMessageContaining("no");
        assertThat(incidentsOfRollout()).hasSize(1);
    }

    @Test
    void runbook_entries_go_to_the_active_incident_and_mitigation_is_recorded_once() {
        boolean withoutIncident = db.inTransaction(h -> book.recordForRollout(h, rollout, "runbook", "system", "paused", Map.of()));
        assertThat(withoutIncident).isFalse();
        Incident incident = openOrJoin(OpenRequest.of(rollout, "t", IncidentSeverity.SEV2));
        Optional<Incident> active = db.inTransaction(h -> book.openFor(h, rollout));
        assertThat(active).map(Incident::id).contains(incident.id());
        boolean withIncident = db.inTransaction(h -> book.recordForRollout(h, rollout, "runbook", "system", "paused",
                Map.of(IncidentBook.REVERTED_TO_PHASE, 1)));
        assertThat(withIncident).isTrue();
        Instant mitigated = START.plusSeconds(30);
        db.inTransaction(h -> {
            book.markMitigated(h, incident.id(), mitigated);
            book.markMitigated(h, incident.id(), START.plusSeconds(90));
            return null;
        });
        Incident after = timeline(incident.id());
        assertThat(after.mitigatedAt()).isEqualTo(mitigated);
        assertThat(after.timeline()).extracting(TimelineEntry::kind).containsExactly("state", "runbook", "state");
        assertThat(heard).containsExactly("opened:" + incident.id(), "mitigated:" + incident.id());
        assertThatThrownBy(() -> db.inTransaction(h -> book.record(h, incident.id(), "gossip", "system", "x", null)))
                .isInstanceOf(IllegalArgumentException.class);
        book.resolve(incident.id(), ALICE, "done");
        Optional<Incident> none = db.inTransaction(h -> book.openFor(h, rollout));
        assertThat(none).isEmpty();
    }

    // ---- alerts of a real AlertBook ----

    AlertBook alerts() {
        AlertBook alerts = new AlertBook(db, audit, clock);
        alerts.onTransition(book::onAlert);
        return alerts;
    }

    AlertRule rule(String guard, Severity severity) {
        return new AlertRule(Map.of("rollout", rollout, "guard", guard, "scope", "beta", "severity", severity.wire()),
                severity, Duration.ZERO, Duration.ZERO);
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_critical_alert_firing_opens_an_incident_and_later_transitions_join_its_timeline() {
        AlertBook alerts = alerts();
        Map<String, Object> decision = Map.of("id", 981, "guard", "error-rate", "result", "critical", "observed", 3.2);
        alerts.observe(rule("error-rate", Severity.CRITICAL), Condition.BREACHING, "error rate 3.2 % ≥ critical 2 %", decision);
        List<Incident> opened = incidentsOfRollout();
        assertThat(opened).hasSize(1);
        Incident incident = timeline(opened.get(0).id());
        assertThat(incident.severity()).isEqualTo(IncidentSeverity.SEV2);
        assertThat(incident.title()).isEqualTo("error-rate: error rate 3.2 % ≥ critical 2 %");
        assertThat(incident.openedBy()).isEqualTo("system");
        assertThat(incident.firstSignalAt()).isEqualTo(START);
        assertThat(incident.diagnostics()).containsKey("triggeringAlert");
        assertThat(incident.timeline()).extracting(TimelineEntry::kind).containsExactly("state", "alert");
        TimelineEntry alertEntry = incident.timeline().get(1);
        assertThat(alertEntry.text()).contains("critical alert error-rate (beta) firing");
        assertThat(alertEntry.data()).containsEntry("to", "firing").containsEntry("decisionId", 981).containsKey("alertId");
        assertThat((Map<String, Object>) alertEntry.data().get("decision")).containsEntry("observed", 3.2);

        clock.advance(Duration.ofSeconds(10));
        alerts.observe(rule("latency-p99", Severity.WARNING), Condition.BREACHING, "p99 900 ms ≥ warning 800 ms", Map.of());
        alerts.observe(rule("error-rate", Severity.CRITICAL), Condition.CLEAR, "error rate 0.4 %", Map.of("observed", 0.4));
        assertThat(incidentsOfRollout()).hasSize(1);
        List<TimelineEntry> timeline = timeline(incident.id()).timeline();
        assertThat(timeline).extracting(TimelineEntry::kind).containsExactly("state", "alert", "alert", "alert");
        assertThat(timeline.get(2).text()).contains("warning alert latency-p99 (beta) firing");
        assertThat(timeline.get(3).data()).containsEntry("from", "firing").containsEntry("to", "resolved");
        assertThat(book.alertFailures()).isZero();
    }

    @Test
    void a_silenced_critical_or_a_warning_opens_no_incident() {
        AlertBook alerts = alerts();
        alerts.observe(rule("latency-p99", Severity.WARNING), Condition.BREACHING, "p99 900 ms ≥ warning 800 ms", Map.of());
        assertThat(incidentsOfRollout()).isEmpty();

        alerts.silence(new SilenceRequest(List.of(new SilenceMatcher("rollout", rollout, false)), null,
                START.plus(Duration.ofHours(1)), "maintenance"), ALICE);
        alerts.observe(rule("error-rate", Severity.CRITICAL), Condition.BREACHING, "error rate 3.2 % ≥ critical 2 %", Map.of());
        assertThat(incidentsOfRollout()).isEmpty();
    }
}
