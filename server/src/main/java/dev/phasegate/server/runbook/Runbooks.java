package dev.phasegate.server.runbook;

import dev.phasegate.core.plan.Problem;
import dev.phasegate.core.plan.Runbook;
import dev.phasegate.core.rollout.Action;
import dev.phasegate.core.rollout.RolloutState;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.rollout.RolloutLocks;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.RolloutService;
import dev.phasegate.server.rollout.StoredRollout;
import dev.phasegate.server.store.Database;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Starts rollbacks and reads runs. A rollback asked for while one runs for the same rollout joins it
 * (the request is recorded on the run's timeline) instead of starting another.
 */
public final class Runbooks {

    static final Set<String> SEVERITIES = Set.of("sev1", "sev2", "sev3", "sev4");

    private final Database db;
    private final RolloutRepository rollouts;
    private final RolloutService rolloutService;
    private final RolloutLocks locks;
    private final RunbookStore store;
    private final Clock clock;
    private volatile Runnable onStart = () -> { };

    public Runbooks(Database db, RolloutRepository rollouts, RolloutService rolloutService, RolloutLocks locks, Clock clock) {
        this(db, rollouts, rolloutService, locks, new RunbookStore(), clock);
    }

    Runbooks(Database db, RolloutRepository rollouts, RolloutService rolloutService, RolloutLocks locks, RunbookStore store,
             Clock clock) {
        this.db = db;
        this.rollouts = rollouts;
        this.rolloutService = rolloutService;
        this.locks = locks;
        this.store = store;
        this.clock = clock;
    }

    /** Called after a run starts (the executor wakes up rather than waiting for its next tick). */
    void onStart(Runnable listener) {
        this.onStart = listener;
    }

    /** The run started, or the running one joined. */
    public record Started(RunbookRun run, boolean joined) {
    }

    public Started start(RollbackRequest r) {
        if (r.reason() == null || r.reason().isBlank()) {
            throw new PhasegateException.Invalid(new Problem("reason", "is required: say why the rollout is rolled back"));
        }
        if (r.reason().length() > 2000) {
            throw new PhasegateException.Invalid(new Problem("reason", "must be at most 2000 characters, was " + r.reason().length()));
        }
        if (!SEVERITIES.contains(r.severity())) {
            throw new PhasegateException.Invalid(new Problem("severity", "must be one of sev1, sev2, sev3, sev4, was '" + r.severity() + "'"));
        }
        Started started = locks.withLock(r.rollout(), () -> db.inTransaction(h -> {
            Instant now = clock.instant();
            StoredRollout stored = rollouts.lock(h, r.rollout()).orElseThrow(() -> RolloutService.notFound(r.rollout()));
            Optional<RunbookRun> running = store.runningFor(h, r.rollout());
            if (running.isPresent()) {
                store.event(h, running.get().id(), now, "joined", r.actor().display() + " asked for a rollback while this one runs: "
                        + r.reason(), Map.of("trigger", r.trigger(), "severity", r.severity()));
                return new Started(details(h, running.get()), true);
            }
            if (stored.rollout().state() == RolloutState.ROLLED_BACK) {
                throw new PhasegateException.Conflict("rollout '" + r.rollout() + "' is already rolled back; resume it first");
            }
            int fromPhase = stored.rollout().currentPhase();
            rolloutService.transitionIn(h, r.rollout(), Action.ROLLBACK, false, r.reason(), r.actor());
            Runbook plan = stored.rollout().plan().runbook();
            String mode = r.fullRollback() ? Runbook.DisableMode.ALL.planName() : plan.disableMode().planName();
            long id = store.insertRun(h, r, mode, fromPhase, now);
            List<Runbook.Step> steps = plan.steps();
            for (int i = 0; i < steps.size(); i++) {
                store.insertStep(h, id, i, steps.get(i).planName(), now);
            }
            store.event(h, id, now, "started", "rollback started by " + r.actor().display() + " (" + r.severity() + "): " + r.reason(),
                    r.guard() == null ? Map.of("trigger", r.trigger()) : Map.of("trigger", r.trigger(), "guard", r.guard()));
            return new Started(details(h, store.run(h, id).orElseThrow()), false);
        }));
        if (!started.joined()) {
            onStart.run();
        }
        return started;
    }

    public Optional<RunbookRun> get(long id) {
        return db.withHandle(h -> store.run(h, id).map(run -> details(h, run)));
    }

    /** The rollout's runs, newest first, with their steps (not their timelines). */
    public List<RunbookRun> list(String rollout, int limit) {
        return db.withHandle(h -> store.list(h, rollout, limit).stream()
                .map(run -> run.withDetails(store.steps(h, run.id()), List.of())).toList());
    }

    public Optional<RunbookRun> runningFor(String rollout) {
        return db.withHandle(h -> store.runningFor(h, rollout).map(run -> details(h, run)));
    }

    private RunbookRun details(org.jdbi.v3.core.Handle h, RunbookRun run) {
        return run.withDetails(store.steps(h, run.id()), store.events(h, run.id()));
    }
}
