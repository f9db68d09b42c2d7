package dev.phasegate.server.alert;

import dev.phasegate.server.testing.TestClock;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.audit.AuditEvent;
import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.store.Database;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link AlertBook} must do on every store: the state machine under a fake clock, deduplication,
 * silences, inhibition, acknowledgements and continuity across a restart. Each test uses its own rollout
 * label, so tests share one store without seeing each other's alerts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AlertBookContract {

    static final Instant START = Instant.parse("2025-06-01T12:00:00Z");
    static final Actor ALICE = new Actor("token:tok_alice", "token:tok_alice (alice)");
    static final Duration FOR = Duration.ofMinutes(1);
    static final Duration KEEP = Duration.ofMinutes(5);

    TestStore store;
    Database db;
    AuditLog audit = new AuditLog();
    TestClock clock;
    AlertBook book;
    List<AlertTransition> heard;
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
        book = new AlertBook(db, audit, clock);
        heard = new ArrayList<>();
        book.onTransition(heard::add);
        // Rollout keys are at most 128 characters; test names are shorter, and unique per class.
        rollout = info.getTestMethod().orElseThrow().getName().replace('_', '-');
    }

    AlertRule rule(Severity severity, Duration forDuration, Duration keepFiringFor) {
        return rule(rollout, "error-rate", severity, forDuration, keepFiringFor);
    }

    static AlertRule rule(String rollout, String guard, Severity severity, Duration forDuration, Duration keepFiringFor) {
        return new AlertRule(Map.of("rollout", rollout, "guard", guard, "scope", "beta", "severity", severity.wire(), "phase", "2"),
                severity, forDuration, keepFiringFor);
    }

    List<AlertTransition> observe(AlertRule rule, Condition condition) {
        return book.observe(rule, condition, condition + " at " + clock.instant(), Map.of("condition", condition.name(),
                "at", clock.instant().toString()));
    }

    List<Alert> alerts() {
        return book.list(new AlertQuery(null, rollout, null, null, null, null, 100));
    }

    Alert only() {
        List<Alert> alerts = alerts();
        assertThat(alerts).hasSize(1);
        return alerts.get(0);
    }

    List<String> history(long id) {
        return book.get(id).orElseThrow().history().stream().map(AlertEvent::kind).toList();
    }

    @Test
    void a_breach_is_pending_until_it_has_held_for_the_rules_for() {
        AlertRule rule = rule(Severity.CRITICAL, FOR, KEEP);
        List<AlertTransition> first = observe(rule, Condition.BREACHING);
        assertThat(first).singleElement().satisfies(t -> {
            assertThat(t.from()).isNull();
            assertThat(t.to()).isEqualTo(AlertState.PENDING);
        });
        Alert pending = only();
        assertThat(pending.state()).isEqualTo(AlertState.PENDING);
        assertThat(pending.activeSince()).isEqualTo(START);
        assertThat(pending.firedAt()).isNull();
        assertThat(pending.fingerprint()).isEqualTo(rule.fingerprint()).hasSize(16);

        clock.advance(Duration.ofSeconds(59));
        assertThat(observe(rule, Condition.BREACHING)).isEmpty();
        assertThat(only().state()).isEqualTo(AlertState.PENDING);

        clock.advance(Duration.ofSeconds(1));
        List<AlertTransition> fired = observe(rule, Condition.BREACHING);
        assertThat(fired).singleElement().satisfies(t -> {
            assertThat(t.from()).isEqualTo(AlertState.PENDING);
            assertThat(t.to()).isEqualTo(AlertState.FIRING);
            assertThat(t.alert().id()).isEqualTo(pending.id());
        });
        Alert firing = only();
        assertThat(firing.state()).isEqualTo(AlertState.FIRING);
        assertThat(firing.firedAt()).isEqualTo(START.plus(FOR));
        assertThat(firing.firingDecision()).containsEntry("at", START.plus(FOR).toString());
        assertThat(history(firing.id())).containsExactly("pending", "firing");
        assertThat(heard).extracting(AlertTransition::to).containsExactly(AlertState.PENDING, AlertState.FIRING);
    }

    @Test
    void a_rule_with_for_zero_fires_at_once() {
        List<AlertTransition> transitions = observe(rule(Severity.WARNING, Duration.ZERO, KEEP), Condition.BREACHING);
        assertThat(transitions).singleElement().satisfies(t -> {
            assertThat(t.from()).isNull();
            assertThat(t.to()).isEqualTo(AlertState.FIRING);
            assertThat(t.alert().firedAt()).isEqualTo(START);
        });
        assertThat(only().state()).isEqualTo(AlertState.FIRING);
    }

    @Test
    void a_pending_alert_that_clears_before_firing_is_dropped() {
        AlertRule rule = rule(Severity.CRITICAL, FOR, KEEP);
        long id = observe(rule, Condition.BREACHING).get(0).alert().id();
        clock.advance(Duration.ofSeconds(30));
        assertThat(observe(rule, Condition.CLEAR)).as("nobody heard of it, so no transition").isEmpty();
        assertThat(alerts()).isEmpty();
        assertThat(book.get(id)).isEmpty();

        clock.advance(Duration.ofSeconds(30));
        long next = observe(rule, Condition.BREACHING).get(0).alert().id();
        assertThat(next).isNotEqualTo(id);
        clock.advance(Duration.ofSeconds(59));
        assertThat(observe(rule, Condition.BREACHING)).as("the for period starts again").isEmpty();
    }

    @Test
    void a_firing_alert_resolves_after_keep_firing_for_of_clear_and_a_breach_meanwhile_restarts_the_clearing() {
        AlertRule rule = rule(Severity.CRITICAL, Duration.ZERO, KEEP);
        long id = observe(rule, Condition.BREACHING).get(0).alert().id();
        clock.advance(Duration.ofMinutes(1));
        assertThat(observe(rule, Condition.CLEAR)).isEmpty();
        assertThat(only().clearingSince()).isEqualTo(START.plus(Duration.ofMinutes(1)));
        clock.advance(Duration.ofMinutes(4));
        assertThat(observe(rule, Condition.BREACHING)).as("a breach cancels the clearing").isEmpty();
        assertThat(only().clearingSince()).isNull();
        clock.advance(Duration.ofMinutes(1));
        assertThat(observe(rule, Condition.CLEAR)).isEmpty();
        clock.advance(Duration.ofMinutes(4));
        assertThat(observe(rule, Condition.CLEAR)).as("clear for 4 of 5 minutes since the breach").isEmpty();
        assertThat(only().state()).isEqualTo(AlertState.FIRING);
        clock.advance(Duration.ofMinutes(1));
        List<AlertTransition> resolved = observe(rule, Condition.CLEAR);
        assertThat(resolved).singleElement().satisfies(t -> {
            assertThat(t.from()).isEqualTo(AlertState.FIRING);
            assertThat(t.to()).isEqualTo(AlertState.RESOLVED);
        });
        Alert alert = only();
        assertThat(alert.id()).isEqualTo(id);
        assertThat(alert.state()).isEqualTo(AlertState.RESOLVED);
        assertThat(alert.resolvedAt()).isEqualTo(START.plus(Duration.ofMinutes(11)));
        assertThat(history(id)).containsExactly("firing", "resolved");
    }

    @Test
    void keep_firing_for_zero_resolves_at_the_first_clear_evaluation() {
        AlertRule rule = rule(Severity.WARNING, Duration.ZERO, Duration.ZERO);
        observe(rule, Condition.BREACHING);
        clock.advance(Duration.ofSeconds(1));
        assertThat(observe(rule, Condition.CLEAR)).extracting(AlertTransition::to).containsExactly(AlertState.RESOLVED);
    }

    @Test
    void unknown_holds_the_state_neither_firing_nor_resolving() {
        AlertRule rule = rule(Severity.CRITICAL, FOR, KEEP);
        observe(rule, Condition.BREACHING);
        clock.advance(Duration.ofMinutes(2));
        assertThat(observe(rule, Condition.UNKNOWN)).as("a pending alert does not fire without data").isEmpty();
        assertThat(only().state()).isEqualTo(AlertState.PENDING);
        assertThat(only().summary()).as("the latest evaluation is kept").startsWith("UNKNOWN");
        assertThat(observe(rule, Condition.BREACHING)).extracting(AlertTransition::to).containsExactly(AlertState.FIRING);

        clock.advance(Duration.ofMinutes(1));
        observe(rule, Condition.CLEAR);
        clock.advance(Duration.ofMinutes(10));
        assertThat(observe(rule, Condition.UNKNOWN)).as("a firing alert does not resolve without data").isEmpty();
        assertThat(only().state()).isEqualTo(AlertState.FIRING);
        assertThat(observe(rule, Condition.CLEAR)).extracting(AlertTransition::to).containsExactly(AlertState.RESOLVED);

        assertThat(observe(rule, Condition.UNKNOWN)).as("unknown opens nothing").isEmpty();
        assertThat(alerts()).hasSize(1);
    }

    @Test
    void a_breach_after_resolution_opens_a_new_alert_with_the_same_fingerprint_and_history_keeps_both() {
        AlertRule rule = rule(Severity.CRITICAL, Duration.ZERO, Duration.ZERO);
        long first = observe(rule, Condition.BREACHING).get(0).alert().id();
        clock.advance(Duration.ofSeconds(1));
        observe(rule, Condition.CLEAR);
        clock.advance(Duration.ofSeconds(1));
        long second = observe(rule, Condition.BREACHING).get(0).alert().id();
        assertThat(second).isGreaterThan(first);
        List<Alert> both = alerts();
        assertThat(both).extracting(Alert::id).containsExactly(second, first);
        assertThat(both).extracting(Alert::fingerprint).containsOnly(rule.fingerprint());
        assertThat(both).extracting(Alert::state).containsExactly(AlertState.FIRING, AlertState.RESOLVED);
        assertThat(book.list(new AlertQuery(AlertState.RESOLVED, rollout, null, null, null, null, 10))).extracting(Alert::id)
                .containsExactly(first);
    }

    @Test
    void repeated_observations_keep_one_alert_per_fingerprint() {
        AlertRule rule = rule(Severity.CRITICAL, Duration.ofSeconds(30), KEEP);
        AlertRule otherScope = new AlertRule(Map.of("rollout", rollout, "guard", "error-rate", "scope", "control", "severity", "critical"),
                Severity.CRITICAL, Duration.ofSeconds(30), KEEP);
        for (int second = 0; second < 100; second++) {
            observe(rule, Condition.BREACHING);
            observe(otherScope, Condition.BREACHING);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(alerts()).hasSize(2).extracting(Alert::state).containsOnly(AlertState.FIRING);
        assertThat(heard).extracting(AlertTransition::to)
                .containsExactly(AlertState.PENDING, AlertState.PENDING, AlertState.FIRING, AlertState.FIRING);
    }

    @Test
    void the_latest_decision_is_kept_apart_from_the_one_that_fired() {
        AlertRule rule = rule(Severity.CRITICAL, Duration.ZERO, KEEP);
        book.observe(rule, Condition.BREACHING, "error rate 3.2 % ≥ critical 2 %", Map.of("value", 3.2, "threshold", 2));
        clock.advance(Duration.ofSeconds(1));
        book.observe(rule, Condition.BREACHING, "error rate 4.0 % ≥ critical 2 %", Map.of("value", 4.0, "threshold", 2));
        Alert alert = only();
        assertThat(alert.summary()).isEqualTo("error rate 4.0 % ≥ critical 2 %");
        assertThat(alert.decision()).containsEntry("value", 4.0);
        assertThat(alert.firingDecision()).containsEntry("value", 3.2);
        assertThat(alert.evaluatedAt()).isEqualTo(START.plusSeconds(1));
    }

    @Test
    void the_latest_decision_reaches_the_store_within_the_write_interval() {
        AlertRule rule = rule(Severity.CRITICAL, Duration.ZERO, KEEP);
        observe(rule, Condition.BREACHING);
        clock.advance(AlertBook.DECISION_WRITE_INTERVAL);
        book.observe(rule, Condition.BREACHING, "latest", Map.of("n", 2));
        AlertBook reader = new AlertBook(db, audit, clock); // another node's view: the store only
        Alert stored = reader.list(new AlertQuery(null, rollout, null, null, null, null, 1)).get(0);
        assertThat(stored.summary()).isEqualTo("latest");
        assertThat(stored.decision()).containsEntry("n", 2);
    }

    @Test
    void an_equality_silence_marks_matching_alerts_silenced_and_transitions_carry_it() {
        AlertRule rule = rule(Severity.CRITICAL, FOR, KEEP);
        long id = observe(rule, Condition.BREACHING).get(0).alert().id();
        Silence s = book.silence(new SilenceRequest(List.of(new SilenceMatcher("rollout", rollout, null)), null,
                START.plus(Duration.ofHours(1)), "maintenance"), ALICE);
        assertThat(s.state()).isEqualTo("active");
        assertThat(s.createdBy()).isEqualTo(ALICE.display());
        Alert alert = book.get(id).orElseThrow();
        assertThat(alert.silenced()).isTrue();
        assertThat(alert.silencedBy()).containsExactly(s.id());
        assertThat(alert.history()).extracting(AlertEvent::kind).containsExactly("pending", "silenced");

        clock.advance(FOR);
        assertThat(observe(rule, Condition.BREACHING)).singleElement()
                .satisfies(t -> assertThat(t.alert().silencedBy()).containsExactly(s.id()));
        assertThat(book.list(new AlertQuery(null, rollout, null, true, null, null, 10))).hasSize(1);
        assertThat(book.list(new AlertQuery(null, rollout, null, false, null, null, 10))).isEmpty();

        AlertRule otherRollout = rule(rollout + "-other", "error-rate", Severity.CRITICAL, Duration.ZERO, KEEP);
        assertThat(observe(otherRollout, Condition.BREACHING).get(0).alert().silenced()).isFalse();
    }

    @Test
    void a_regex_silence_matches_the_whole_value_only() {
        AlertRule latency = rule(rollout, "latency-p99", Severity.WARNING, Duration.ZERO, KEEP);
        AlertRule errors = rule(rollout, "error-rate", Severity.WARNING, Duration.ZERO, KEEP);
        observe(latency, Condition.BREACHING);
        observe(errors, Condition.BREACHING);
        book.silence(new SilenceRequest(List.of(new SilenceMatcher("rollout", rollout, false),
                new SilenceMatcher("guard", "latency-.*", true)), null, START.plus(Duration.ofHours(1)), "tuning latency"), ALICE);
        book.silence(new SilenceRequest(List.of(new SilenceMatcher("rollout", rollout, false),
                new SilenceMatcher("guard", "error", true)), null, START.plus(Duration.ofHours(1)), "a prefix is not a full match"), ALICE);
        assertThat(alerts()).extracting(Alert::guard, Alert::silenced)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("latency-p99", true),
                        org.assertj.core.groups.Tuple.tuple("error-rate", false));
    }

    @Test
    void a_silence_that_starts_later_applies_from_its_start_and_can_be_expired_early() {
        observe(rule(Severity.CRITICAL, Duration.ZERO, KEEP), Condition.BREACHING);
        Silence s = book.silence(new SilenceRequest(List.of(new SilenceMatcher("rollout", rollout, null)),
                START.plus(Duration.ofMinutes(10)), START.plus(Duration.ofMinutes(70)), "deploy window"), ALICE);
        assertThat(s.state()).isEqualTo("pending");
        assertThat(only().silenced()).isFalse();
        clock.advance(Duration.ofMinutes(10));
        assertThat(only().silenced()).isTrue();
        assertThat(book.silences(false)).extracting(Silence::id).contains(s.id());

        clock.advance(Duration.ofMinutes(5));
        Silence expired = book.expire(s.id(), ALICE);
        assertThat(expired.state()).isEqualTo("expired");
        assertThat(expired.endsAt()).isEqualTo(START.plus(Duration.ofMinutes(15)));
        assertThat(expired.expiredBy()).isEqualTo(ALICE.display());
        assertThat(only().silenced()).isFalse();
        assertThat(history(only().id())).contains("unsilenced");
        assertThat(book.silences(false)).extracting(Silence::id).doesNotContain(s.id());
        assertThat(book.silences(true)).extracting(Silence::id).contains(s.id());
        assertThatThrownBy(() -> book.expire(s.id(), ALICE)).isInstanceOf(PhasegateException.Conflict.class);
        assertThatThrownBy(() -> book.expire(987_654_321L, ALICE)).isInstanceOf(PhasegateException.NotFound.class);
    }

    @Test
    void a_silence_that_has_not_started_can_be_expired_before_it_starts() {
        Silence s = book.silence(new SilenceRequest(List.of(new SilenceMatcher("rollout", rollout, null)),
                START.plus(Duration.ofHours(1)), START.plus(Duration.ofHours(2)), "later"), ALICE);
        Silence expired = book.expire(s.id(), ALICE);
        assertThat(expired.state()).isEqualTo("expired");
        assertThat(expired.startsAt()).isEqualTo(START);
        assertThat(expired.endsAt()).isEqualTo(START);
    }

    @Test
    void invalid_silences_are_refused_naming_the_field() {
        Instant end = START.plus(Duration.ofHours(1));
        assertThat(invalid(new SilenceRequest(List.of(new SilenceMatcher("rollout", rollout, false),
                new SilenceMatcher("guard", "latency-(", true)), null, end, "x"))).isEqualTo("matchers[1].value");
        assertThat(invalid(new SilenceRequest(List.of(), null, end, "x"))).isEqualTo("matchers");
        assertThat(invalid(new SilenceRequest(List.of(new SilenceMatcher("guard", ".*", true)), null, end, "x")))
                .as("a silence of everything").isEqualTo("matchers");
        assertThat(invalid(new SilenceRequest(List.of(new SilenceMatcher("bad name", "x", false)), null, end, "x")))
                .isEqualTo("matchers[0].name");
        assertThat(invalid(new SilenceRequest(List.of(new SilenceMatcher("rollout", rollout, false)), null, null, "x"))).isEqualTo("endsAt");
        assertThat(invalid(new SilenceRequest(List.of(new SilenceMatcher("rollout", rollout, false)), end, end, "x"))).isEqualTo("endsAt");
        assertThat(invalid(new SilenceRequest(List.of(new SilenceMatcher("rollout", rollout, false)), null,
                START.plus(Duration.ofDays(31)), "x"))).isEqualTo("endsAt");
        assertThat(invalid(new SilenceRequest(List.of(new SilenceMatcher("rollout", rollout, false)), null, end, " "))).isEqualTo("comment");
        assertThat(book.silences(true)).as("nothing written").noneMatch(s -> s.matchers().get(0).value().equals(rollout));
    }

    private String invalid(SilenceRequest request) {
        try {
            book.silence(request, ALICE);
        } catch (PhasegateException.Invalid e) {
            return e.problems().get(0).field();
        }
        throw new AssertionError("accepted: " + request);
    }

    @Test
    void a_firing_critical_inhibits_the_warning_of_the_same_rollout_and_guard_until_it_resolves() {
        AlertRule warning = rule(Severity.WARNING, Duration.ZERO, Duration.ZERO);
        AlertRule critical = rule(Severity.CRITICAL, FOR, Duration.ZERO);
        AlertRule otherGuard = rule(rollout, "latency-p99", Severity.WARNING, Duration.ZERO, Duration.ZERO);
        long w = observe(warning, Condition.BREACHING).get(0).alert().id();
        long other = observe(otherGuard, Condition.BREACHING).get(0).alert().id();
        long c = observe(critical, Condition.BREACHING).get(0).alert().id();
        assertThat(book.get(w).orElseThrow().inhibited()).as("a pending critical does not inhibit").isFalse();

        clock.advance(FOR);
        observe(critical, Condition.BREACHING);
        Alert inhibited = book.get(w).orElseThrow();
        assertThat(inhibited.inhibited()).isTrue();
        assertThat(inhibited.inhibitedBy()).isEqualTo(c);
        assertThat(book.get(other).orElseThrow().inhibited()).as("another guard").isFalse();

        clock.advance(Duration.ofSeconds(1));
        observe(critical, Condition.CLEAR);
        Alert free = book.get(w).orElseThrow();
        assertThat(free.inhibited()).isFalse();
        assertThat(free.inhibitedBy()).isNull();
        assertThat(free.history()).extracting(AlertEvent::kind).containsExactly("firing", "inhibited", "uninhibited");
    }

    @Test
    void a_warning_that_opens_while_its_critical_fires_is_inhibited_from_the_start() {
        long c = observe(rule(Severity.CRITICAL, Duration.ZERO, KEEP), Condition.BREACHING).get(0).alert().id();
        List<AlertTransition> t = observe(rule(Severity.WARNING, Duration.ZERO, KEEP), Condition.BREACHING);
        assertThat(t.get(0).alert().inhibitedBy()).isEqualTo(c);
    }

    @Test
    void acknowledging_records_who_when_and_why_in_the_history_and_the_audit_log() {
        long id = observe(rule(Severity.CRITICAL, Duration.ZERO, Duration.ZERO), Condition.BREACHING).get(0).alert().id();
        clock.advance(Duration.ofSeconds(5));
        Alert acked = book.acknowledge(id, ALICE, "looking at it");
        assertThat(acked.acknowledged()).isTrue();
        assertThat(acked.acknowledgement()).isEqualTo(new Alert.Acknowledgement(START.plusSeconds(5), ALICE.display(), "looking at it"));
        assertThat(acked.state()).isEqualTo(AlertState.FIRING);
        AlertEvent event = book.get(id).orElseThrow().history().get(1);
        assertThat(event.kind()).isEqualTo("acknowledged");
        assertThat(event.actor()).isEqualTo(ALICE.display());
        assertThat(event.detail()).containsEntry("comment", "looking at it");
        List<AuditEvent> entries = db.withHandle(h -> audit.list(h, rollout, null, 10));
        assertThat(entries).extracting(AuditEvent::action, AuditEvent::subject)
                .contains(org.assertj.core.groups.Tuple.tuple("alert.acknowledged", "alert:" + id));

        observe(rule(Severity.CRITICAL, Duration.ZERO, Duration.ZERO), Condition.CLEAR);
        assertThatThrownBy(() -> book.acknowledge(id, ALICE, null)).isInstanceOf(PhasegateException.Conflict.class);
        assertThatThrownBy(() -> book.acknowledge(987_654_321L, ALICE, null)).isInstanceOf(PhasegateException.NotFound.class);
    }

    @Test
    void a_pending_alert_can_be_acknowledged() {
        long id = observe(rule(Severity.WARNING, FOR, KEEP), Condition.BREACHING).get(0).alert().id();
        assertThat(book.acknowledge(id, ALICE, null).acknowledgement().by()).isEqualTo(ALICE.display());
    }

    @Test
    void a_new_book_on_the_same_store_continues_the_timers_without_duplicates() {
        AlertRule pending = rule(rollout, "pending-guard", Severity.CRITICAL, FOR, KEEP);
        AlertRule clearing = rule(rollout, "clearing-guard", Severity.CRITICAL, Duration.ZERO, KEEP);
        long p = observe(pending, Condition.BREACHING).get(0).alert().id();
        long c = observe(clearing, Condition.BREACHING).get(0).alert().id();
        clock.advance(Duration.ofSeconds(30));
        observe(pending, Condition.BREACHING);
        observe(clearing, Condition.CLEAR);

        book = new AlertBook(db, audit, clock); // a restart
        clock.advance(Duration.ofSeconds(30));
        assertThat(book.observe(pending, Condition.BREACHING, "s", Map.of())).singleElement().satisfies(t -> {
            assertThat(t.alert().id()).isEqualTo(p);
            assertThat(t.to()).isEqualTo(AlertState.FIRING);
            assertThat(t.alert().activeSince()).isEqualTo(START);
        });
        clock.advance(KEEP.minusSeconds(30));
        assertThat(book.observe(clearing, Condition.CLEAR, "s", Map.of())).singleElement().satisfies(t -> {
            assertThat(t.alert().id()).isEqualTo(c);
            assertThat(t.to()).isEqualTo(AlertState.RESOLVED);
        });
        assertThat(alerts()).hasSize(2);
    }

    @Test
    void a_book_that_missed_an_alert_opened_elsewhere_adopts_it_instead_of_opening_a_duplicate() {
        AlertBook stale = new AlertBook(db, audit, clock);
        AlertRule rule = rule(Severity.CRITICAL, FOR, KEEP);
        long id = observe(rule, Condition.BREACHING).get(0).alert().id();
        clock.advance(FOR);
        List<AlertTransition> t = stale.observe(rule, Condition.BREACHING, "s", Map.of());
        assertThat(t).singleElement().satisfies(x -> {
            assertThat(x.alert().id()).isEqualTo(id);
            assertThat(x.to()).isEqualTo(AlertState.FIRING);
        });
        assertThat(alerts()).hasSize(1);
    }

    @Test
    void a_healthy_guard_with_nothing_open_does_not_touch_the_store() {
        try (TestStore own = TestStore.create(kind())) {
            Database closed = Database.open(own.settings());
            AlertBook quiet = new AlertBook(closed, audit, clock);
            closed.close();
            AlertRule rule = rule(Severity.CRITICAL, FOR, KEEP);
            for (int i = 0; i < 1000; i++) {
                assertThat(quiet.observe(rule, Condition.CLEAR, "ok", Map.of())).isEmpty();
                assertThat(quiet.observe(rule, Condition.UNKNOWN, "no data", Map.of())).isEmpty();
            }
            assertThatThrownBy(() -> quiet.observe(rule, Condition.BREACHING, "bad", Map.of()))
                    .as("a breach does need the store, which is closed").isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void a_listener_that_throws_does_not_stop_the_others_or_the_transition() {
        List<AlertState> second = new ArrayList<>();
        book.onTransition(t -> {
            throw new IllegalStateException("boom");
        });
        book.onTransition(t -> second.add(t.to()));
        assertThat(observe(rule(Severity.WARNING, Duration.ZERO, KEEP), Condition.BREACHING)).hasSize(1);
        assertThat(second).containsExactly(AlertState.FIRING);
    }
}
