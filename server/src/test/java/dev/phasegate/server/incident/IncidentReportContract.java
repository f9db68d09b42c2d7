package dev.phasegate.server.incident;

import com.fasterxml.jackson.databind.JsonNode;
import dev.phasegate.core.plan.Phase;
import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.plan.Runbook;
import dev.phasegate.core.plan.StartMode;
import dev.phasegate.core.rollout.Action;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.enrollment.EnrollmentRepository;
import dev.phasegate.server.enrollment.EnrollmentService;
import dev.phasegate.server.guard.DecisionLog;
import dev.phasegate.server.guard.GuardDecision;
import dev.phasegate.server.guard.GuardResult;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.rollout.RolloutLocks;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.RolloutService;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.testing.TestStore;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The incident report on every store: impact counted from real enrollments per phase, durations from a
 * fake clock, the timeline, decision records (stored and embedded), and the Markdown a person reads.
 */
abstract class IncidentReportContract {

    static final Instant START = Instant.parse("2025-06-01T12:00:00Z");
    static final Actor ALICE = new Actor("token:tok_alice", "token:tok_alice (alice)");

    abstract TestStore.Kind kind();

    @Test
    void the_report_counts_exposed_users_per_phase_and_measures_detection_mitigation_and_resolution() {
        try (TestStore store = TestStore.create(kind()); Database db = Database.open(store.settings())) {
            TestClock clock = new TestClock(START);
            AuditLog audit = new AuditLog();
            RolloutRepository repo = new RolloutRepository();
            RolloutLocks locks = new RolloutLocks();
            EnrollmentService enrollments = new EnrollmentService(db, repo, new EnrollmentRepository(), audit, locks, clock);
            RolloutService rollouts = new RolloutService(db, repo, audit, locks, enrollments, clock);
            IncidentBook book = new IncidentBook(db, audit, repo, new DecisionLog(db), clock);
            String key = "checkout-v2";
            rollouts.apply(new Plan(key, key, "", StartMode.ACTIVE, List.of(new Phase("pilot", 2, List.of("f1"), 0, null),
                    new Phase("early", 5, List.of("f2"), 0, null), new Phase("broad", 10, List.of("f3"), 0, null)),
                    List.of(), Runbook.REFERENCE, List.of()), false, Actor.SYSTEM);

            enroll(enrollments, key, "u1", "u2");
            clock.advance(Duration.ofHours(1));
            rollouts.transition(key, Action.ADVANCE, false, null, Actor.SYSTEM);
            enroll(enrollments, key, "u3", "u4", "u5");
            clock.advance(Duration.ofHours(1));
            rollouts.transition(key, Action.ADVANCE, false, null, Actor.SYSTEM);
            enroll(enrollments, key, "u6", "u7", "u8", "u9");
            enrollments.leave(key, "u1", Actor.SYSTEM); // left before the incident: not affected

            Instant firstSignal = START.plus(Duration.ofHours(3));
            clock.set(firstSignal.plusSeconds(45));
            Incident incident = db.inTransaction(h -> book.openOrJoin(h, OpenRequest.of(key, "error-rate: 3.2 % ≥ 2 %",
                    IncidentSeverity.SEV2).withFirstSignalAt(firstSignal).withSummary("Errors | <b>spike</b>\nin checkout")
                    .withDiagnostics(Map.of("recentChanges", List.of("plan.applied"))), Actor.SYSTEM));
            assertThat(incident.phaseAtOpen()).isEqualTo(3);
            enrollments.leave(key, "u2", Actor.SYSTEM); // left during the incident: affected

            IncidentReport early = book.report(incident.id());
            assertThat(early.durations().detection().seconds()).isEqualTo(45);
            assertThat(early.durations().mitigation()).isNull();
            assertThat(early.durations().resolution()).isNull();
            JsonNode earlyJson = Json.MAPPER.valueToTree(early);
            assertThat(earlyJson.get("durations").has("mitigation")).as("null durations are written as null").isTrue();
            assertThat(earlyJson.get("durations").get("mitigation").isNull()).isTrue();

            long decisionId = storeDecision(db, key, firstSignal);
            clock.advance(Duration.ofMinutes(2));
            Map<String, Object> embedded = Map.of("guard", "latency-p99", "result", "warning", "explanation", "p99 900 ms ≥ 800 ms");
            db.inTransaction(h -> {
                book.record(h, incident.id(), TimelineEntry.DECISION, "system", "guardian decided to roll back",
                        Map.of(IncidentBook.DECISION_ID, decisionId));
                book.record(h, incident.id(), TimelineEntry.ALERT, "system", "warning alert latency-p99 firing",
                        Map.of(IncidentBook.DECISION, embedded));
                book.record(h, incident.id(), TimelineEntry.RUNBOOK, "system", "reverted to phase 2",
                        Map.of(IncidentBook.REVERTED_TO_PHASE, 2, IncidentBook.DECISION_ID, decisionId));
                book.markMitigated(h, incident.id(), clock.instant());
                return null;
            });
            book.comment(incident.id(), ALICE, "see | dashboard [here](javascript:alert(1))");
            clock.advance(Duration.ofMinutes(10));
            book.resolve(incident.id(), ALICE, "rolled back; fix in v2.1");
            clock.advance(Duration.ofMinutes(1));
            enroll(enrollments, key, "u10"); // after the incident: not affected

            IncidentReport report = book.report(incident.id());
            assertThat(report.summary().title()).isEqualTo("error-rate: 3.2 % ≥ 2 %");
            assertThat(report.summary().state()).isEqualTo(IncidentState.RESOLVED);
            assertThat(report.summary().resolvedBy()).isEqualTo(ALICE.display());
            assertThat(report.impact().phases()).containsExactly(new IncidentReport.PhaseAffected(3, "broad", "current at opening"),
                    new IncidentReport.PhaseAffected(2, "early", "reverted to"));
            assertThat(report.impact().usersByPhase()).containsExactly(new IncidentReport.PhaseUsers(1, "pilot", 1),
                    new IncidentReport.PhaseUsers(2, "early", 3), new IncidentReport.PhaseUsers(3, "broad", 4));
            assertThat(report.impact().usersAffected()).isEqualTo(8);
            assertThat(report.durations().detection()).isEqualTo(new IncidentReport.Span(firstSignal, incident.openedAt(), 45, "45 s"));
            assertThat(report.durations().mitigation().seconds()).isEqualTo(120);
            assertThat(report.durations().resolution().seconds()).isEqualTo(720);
            assertThat(report.durations().resolution().text()).isEqualTo("12 min");
            assertThat(report.timeline()).extracting(TimelineEntry::kind)
                    .containsExactly("state", "decision", "alert", "runbook", "state", "comment", "state");
            assertThat(report.decisions()).hasSize(2);
            IncidentReport.DecisionRecord stored = report.decisions().get(0);
            assertThat(stored.id()).isEqualTo(decisionId);
            assertThat(stored.stored()).isTrue();
            assertThat(stored.record()).containsEntry("guard", "error-rate").containsEntry("result", "critical");
            assertThat(stored.entries()).hasSize(2);
            assertThat(report.decisions().get(1).stored()).isFalse();
            assertThat(report.decisions().get(1).record()).isEqualTo(embedded);
            assertThat(report.diagnostics()).containsKey("recentChanges");

            String md = ReportMarkdown.render(report);
            assertThat(md).startsWith("# Incident " + incident.id() + ": error-rate: 3.2 % ≥ 2 %\n");
            assertThat(md).contains("| Rollout | `checkout-v2` |", "| Severity | SEV2 |", "| State | resolved |");
            assertThat(md).contains("## Summary", "## Impact", "## Durations", "## Timeline", "## Decision records", "## Diagnostics");
            assertThat(md).contains("- Beta users affected: 8");
            assertThat(md).contains("| 1 (pilot) | 1 |", "| 2 (early) | 3 |", "| 3 (broad) | 4 |");
            assertThat(md).contains("| Detection | first signal 2025-06-01T15:00:00Z | opened 2025-06-01T15:00:45Z | 45 s |");
            assertThat(md).contains("| Mitigation | opened 2025-06-01T15:00:45Z | mitigated 2025-06-01T15:02:45Z | 2 min |");
            assertThat(md).contains("| Resolution | opened 2025-06-01T15:00:45Z | resolved 2025-06-01T15:12:45Z | 12 min |");
            assertThat(md).contains("- 2025-06-01T15:02:45Z — **runbook** (system): reverted to phase 2");
            // People's text cannot break the layout or inject HTML or links.
            assertThat(md).contains("Errors \\| &lt;b&gt;spike&lt;/b&gt;  \nin checkout");
            assertThat(md).contains("see \\| dashboard \\[here\\](javascript:alert(1))").doesNotContain("<b>");
            assertThat(md).contains("### Decision " + decisionId + " — error-rate, critical");
            assertThat(md).contains("```json\n{");
        }
    }

    private static void enroll(EnrollmentService enrollments, String key, String... users) {
        for (String user : users) {
            enrollments.enroll(key, List.of(new EnrollmentService.Candidate(user, null, null)), Actor.SYSTEM);
        }
    }

    private static long storeDecision(Database db, String rollout, Instant at) {
        GuardDecision d = new GuardDecision(null, at, rollout, "error-rate", "threshold", "error-rate", "beta", null,
                at.minusSeconds(60), at, GuardResult.CRITICAL, 3.2, 1.0, 2.0, null, null, 4210, null, Map.of("errors", 135),
                "error rate of beta 3.21 % ≥ critical 2.00 % over the last 1m (4,210 requests)");
        return db.inTransaction(h -> h.createUpdate("INSERT INTO guard_decision (rollout_key, guard_name, decided_at, result, record_json) "
                        + "VALUES (:rollout, :guard, :at, :result, :json)")
                .bind("rollout", rollout).bind("guard", d.guard()).bind("at", Timestamp.from(at)).bind("result", "critical")
                .bind("json", Json.write(d)).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }
}
