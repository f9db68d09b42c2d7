package dev.phasegate.server.guardian;

import dev.phasegate.core.plan.Guard;
import dev.phasegate.core.rollout.Action;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.alert.Alert;
import dev.phasegate.server.alert.AlertState;
import dev.phasegate.server.alert.AlertTransition;
import dev.phasegate.server.alert.Severity;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.RolloutService;
import dev.phasegate.server.rollout.StoredRollout;
import dev.phasegate.server.runbook.RollbackRequest;
import dev.phasegate.server.runbook.Runbooks;
import dev.phasegate.server.store.Database;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Turns alert transitions into decisions. It listens to the alert book and works on a thread of its own,
 * so the guard engine's tick never waits for a rollback to start. Silences mute notices, not the
 * guardian: a silenced critical alert still rolls back (the decision says it was silenced).
 */
public final class Guardian implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Guardian.class);
    /** A critical breach of a guard that rolls back is an outage of the new version for its users. */
    static final String ROLLBACK_SEVERITY = "sev2";

    private final Database db;
    private final RolloutRepository rollouts;
    private final RolloutService rolloutService;
    private final Runbooks runbooks;
    private final Clock clock;
    private final ExecutorService worker;
    private volatile BiConsumer<Handle, GuardianDecision> onDecision = (h, d) -> { };
    private volatile dev.phasegate.server.cluster.Fence fence = dev.phasegate.server.cluster.Fence.NONE;

    public Guardian(Database db, RolloutRepository rollouts, RolloutService rolloutService, Runbooks runbooks, Clock clock) {
        this.db = db;
        this.rollouts = rollouts;
        this.rolloutService = rolloutService;
        this.runbooks = runbooks;
        this.clock = clock;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "phasegate-guardian");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The leader's fence: a node deposed since it heard the alert neither acts nor records a decision (the new
     * leader decides about it when it takes the lead: {@link #decideUndecided}). The runbook's own steps are
     * fenced as well.
     */
    public void fence(dev.phasegate.server.cluster.Fence leaderFence) {
        this.fence = leaderFence;
    }

    /** Called with each decision inside the transaction that stores it (the incident timeline listens). */
    public void onDecision(BiConsumer<Handle, GuardianDecision> listener) {
        this.onDecision = listener;
    }

    /** An alert book listener: hands the transition to the guardian's thread. */
    public void onAlert(AlertTransition t) {
        if (t.to() != AlertState.FIRING) {
            return;
        }
        worker.execute(() -> {
            try {
                decide(t.alert());
            } catch (RuntimeException e) {
                LOG.warn("the guardian could not act on alert {} ({} of {})", t.alert().id(), t.alert().guard(), t.alert().rollout(), e);
            }
        });
    }

    /**
     * Decides, on the guardian's thread, about each firing alert that has no decision yet: called when this
     * node takes the lead, for alerts a previous leader heard but did not act on (it was deposed, and its
     * fence refused the decision, or it died in between). The new leader's guard engine finds such an alert
     * already firing, so no transition would bring it to the guardian otherwise.
     */
    public void decideUndecided(List<Alert> firing) {
        worker.execute(() -> {
            for (Alert alert : firing) {
                if (alert.state() != AlertState.FIRING || decided(alert.id())) {
                    continue;
                }
                try {
                    LOG.info("guardian: alert {} ({} of {}) fired without a decision; deciding now", alert.id(), alert.guard(),
                            alert.rollout());
                    decide(alert);
                } catch (RuntimeException e) {
                    LOG.warn("the guardian could not act on alert {} ({} of {})", alert.id(), alert.guard(), alert.rollout(), e);
                }
            }
        });
    }

    private boolean decided(long alertId) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM guardian_decision WHERE alert_id = :alert")
                .bind("alert", alertId).mapTo(Long.class).one()) > 0;
    }

    /** Decides about one firing alert and acts; returns the stored decision. */
    GuardianDecision decide(Alert alert) {
        db.inTransaction(h -> fence.check(h));
        String rollout = alert.rollout();
        Optional<StoredRollout> stored = rollout == null || rollout.isEmpty() ? Optional.empty()
                : db.withHandle(h -> rollouts.find(h, rollout));
        if (stored.isEmpty()) {
            return record(alert, "alert", "no rollout '" + rollout + "': nothing to act on", null);
        }
        Optional<Guard> guard = stored.get().rollout().plan().guards().stream().filter(g -> g.name().equals(alert.guard())).findFirst();
        String kind = alert.labels().getOrDefault("alert", "breach");
        if ("unavailable".equals(kind)) {
            return record(alert, "hold", "guard " + alert.guard() + " has had no usable data for too long: automatic "
                    + "advancement is held until it has", null);
        }
        if (alert.severity() == Severity.WARNING) {
            return record(alert, "hold", "warning on " + alert.guard() + ": alert only; automatic advancement is held while it fires", null);
        }
        if (guard.isEmpty()) {
            return record(alert, "alert", "guard " + alert.guard() + " is no longer in the plan: alert only", null);
        }
        String silenced = alert.silenced() ? " (the alert is silenced: notices are muted, the guardian still acts)" : "";
        return switch (guard.get().onCritical()) {
            case ROLLBACK -> rollback(alert, silenced);
            case PAUSE -> pause(alert, silenced);
            case ALERT -> record(alert, "alert", "critical on " + alert.guard() + ": the plan asks for an alert only" + silenced, null);
        };
    }

    private GuardianDecision rollback(Alert alert, String silenced) {
        try {
            Runbooks.Started started = runbooks.start(new RollbackRequest(alert.rollout(),
                    "critical alert on guard " + alert.guard() + ": " + alert.summary(), ROLLBACK_SEVERITY, false,
                    RollbackRequest.BY_GUARDIAN, Actor.GUARDIAN, alert.guard(), alert.id(), basis(alert)));
            String outcome = (started.joined() ? "joined rollback run " : "started rollback run ") + started.run().id() + silenced;
            return record(alert, "rollback", outcome, started.run().id());
        } catch (PhasegateException.Conflict e) {
            return record(alert, "rollback", "not started: " + e.getMessage(), null);
        }
    }

    private GuardianDecision pause(Alert alert, String silenced) {
        try {
            rolloutService.transition(alert.rollout(), Action.PAUSE, false,
                    "critical alert on guard " + alert.guard() + ": " + alert.summary(), Actor.GUARDIAN);
            return record(alert, "pause", "paused: enrollments stopped, phase held, features kept" + silenced, null);
        } catch (PhasegateException.Conflict e) {
            return record(alert, "pause", "not paused: " + e.getMessage(), null);
        }
    }

    private GuardianDecision record(Alert alert, String action, String outcome, Long runId) {
        Instant now = clock.instant();
        Map<String, Object> basis = basis(alert);
        String severity = alert.severity() == Severity.CRITICAL ? "critical" : "warning";
        LOG.info("guardian: {} {} of {} -> {}: {}", severity, alert.guard(), alert.rollout(), action, outcome);
        return db.inTransaction(h -> {
            fence.check(h);
            long id = h.createUpdate("INSERT INTO guardian_decision (at, rollout_key, guard_name, alert_id, severity, action, "
                            + "outcome, run_id, basis_json) VALUES (:at, :rollout, :guard, :alert, :severity, :action, :outcome, :run, :basis)")
                    .bind("at", Timestamp.from(now)).bind("rollout", alert.rollout() == null ? "" : alert.rollout())
                    .bind("guard", alert.guard()).bind("alert", alert.id()).bind("severity", severity).bind("action", action)
                    .bind("outcome", outcome).bind("run", runId).bind("basis", Json.write(basis))
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            GuardianDecision d = new GuardianDecision(id, now, alert.rollout(), alert.guard(), alert.id(), severity, action,
                    outcome, runId, basis);
            onDecision.accept(h, d);
            return d;
        });
    }

    private static Map<String, Object> basis(Alert alert) {
        Map<String, Object> decision = alert.firingDecision() != null ? alert.firingDecision() : alert.decision();
        return decision == null ? Map.of("summary", alert.summary() == null ? "" : alert.summary())
                : Map.of("summary", alert.summary() == null ? "" : alert.summary(), "decision", decision);
    }

    /** The rollout's decisions, newest first. */
    @SuppressWarnings("unchecked")
    public List<GuardianDecision> decisions(String rollout, int limit) {
        return db.withHandle(h -> h.createQuery("SELECT * FROM guardian_decision WHERE rollout_key = :rollout ORDER BY id DESC LIMIT :limit")
                .bind("rollout", rollout).bind("limit", limit)
                .map((rs, ctx) -> {
                    long run = rs.getLong("run_id");
                    Long runId = rs.wasNull() ? null : run;
                    long alertId = rs.getLong("alert_id");
                    Long alert = rs.wasNull() ? null : alertId;
                    return new GuardianDecision(rs.getLong("id"), rs.getTimestamp("at").toInstant(), rs.getString("rollout_key"),
                            rs.getString("guard_name"), alert, rs.getString("severity"), rs.getString("action"),
                            rs.getString("outcome"), runId, Json.readStored(rs.getString("basis_json"), Map.class));
                }).list());
    }

    /** Waits for decisions already handed over (tests; shutdown). */
    public void drain() {
        try {
            worker.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the guardian did not finish its work in 10 s", e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
