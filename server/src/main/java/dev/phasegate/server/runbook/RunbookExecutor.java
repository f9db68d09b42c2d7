package dev.phasegate.server.runbook;

import dev.phasegate.core.plan.Guard;
import dev.phasegate.core.plan.GuardAction;
import dev.phasegate.core.plan.Runbook;
import dev.phasegate.core.rollout.Action;
import dev.phasegate.core.rollout.RolloutState;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.cluster.Fence;
import dev.phasegate.server.guard.DecisionLog;
import dev.phasegate.server.guard.GuardDecision;
import dev.phasegate.server.guard.GuardResult;
import dev.phasegate.server.rollout.RolloutLocks;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.RolloutService;
import dev.phasegate.server.rollout.StoredRollout;
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
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives every running run to its end, one step at a time, and resumes runs found running at start (a
 * crash, or another node's run). Each step's effect and its "done" commit together; an attempt that
 * throws is rolled back, counted, and retried with backoff; past {@link #MAX_ATTEMPTS} the step is
 * failed and the run goes on. A watchdog takes the features away if a run has not done so within
 * {@link #WATCHDOG_AFTER}, whatever step it is stuck on.
 */
public final class RunbookExecutor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunbookExecutor.class);
    /** Five attempts over about 15 s (1, 2, 4, 8 s apart): past that, a store or notice problem is not transient. */
    static final int MAX_ATTEMPTS = 5;
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    /** Runs are looked at four times a second; a new run wakes the executor at once. */
    private static final Duration TICK = Duration.ofMillis(250);
    /** Features must be off within 10 s of a rollback starting, even if an earlier step hangs. */
    static final Duration WATCHDOG_AFTER = Duration.ofSeconds(10);
    /** verify-recovery looks at the guards once a second, as often as they are evaluated. */
    private static final Duration VERIFY_EVERY = Duration.ofSeconds(1);

    private final Database db;
    private final RolloutRepository rollouts;
    private final RolloutService rolloutService;
    private final RolloutLocks locks;
    private final RunbookStore store;
    private final RunbookEffects effects;
    private final Diagnostics diagnostics;
    private final DecisionLog decisions;
    private final Clock clock;
    private final String node;
    private final FaultInjection faults;
    private final Fence fence;
    private final AtomicLong failures = new AtomicLong();
    private volatile ScheduledExecutorService scheduler;

    public RunbookExecutor(Database db, RolloutRepository rollouts, RolloutService rolloutService, RolloutLocks locks,
                           Runbooks runbooks, RunbookEffects effects, Diagnostics diagnostics, DecisionLog decisions,
                           Clock clock, String node, Fence fence) {
        this(db, rollouts, rolloutService, locks, new RunbookStore(), effects, diagnostics, decisions, clock, node,
                FaultInjection.fromSystemProperties(), fence);
        runbooks.onStart(this::wake);
    }

    RunbookExecutor(Database db, RolloutRepository rollouts, RolloutService rolloutService, RolloutLocks locks,
                    RunbookStore store, RunbookEffects effects, Diagnostics diagnostics, DecisionLog decisions, Clock clock,
                    String node, FaultInjection faults, Fence fence) {
        this.fence = fence;
        this.db = db;
        this.rollouts = rollouts;
        this.rolloutService = rolloutService;
        this.locks = locks;
        this.store = store;
        this.effects = effects;
        this.diagnostics = diagnostics;
        this.decisions = decisions;
        this.clock = clock;
        this.node = node;
        this.faults = faults;
    }

    /** Ticks on threads of its own until closed; runs found running now are resumed on the first tick. */
    public RunbookExecutor start() {
        scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "phasegate-runbook");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::tickSafely, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        // The watchdog has a thread of its own so that a step stuck in the executor cannot hold it up.
        scheduler.scheduleWithFixedDelay(this::watchdogSafely, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    void wake() {
        ScheduledExecutorService s = scheduler;
        if (s != null && !s.isShutdown()) {
            s.execute(this::tickSafely);
        }
    }

    public long failures() {
        return failures.get();
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.warn("runbook tick failed; the next tick will try again", e);
        }
    }

    private void watchdogSafely() {
        try {
            watchdog();
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.warn("runbook watchdog failed; it will look again in a second", e);
        }
    }

    /** Moves every running run as far as it can go now. */
    public synchronized void tick() {
        for (long id : db.withHandle(store::runningIds)) {
            try {
                advance(id);
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.warn("runbook run {} could not advance; it will be tried again", id, e);
            }
        }
    }

    private void advance(long id) {
        while (true) {
            Optional<RunbookRun> found = db.withHandle(h -> store.run(h, id));
            if (found.isEmpty() || !found.get().running()) {
                return;
            }
            RunbookRun run = found.get();
            List<RunbookStep> steps = db.withHandle(h -> store.steps(h, id));
            Optional<RunbookStep> next = steps.stream().filter(s -> !s.finished()).findFirst();
            if (next.isEmpty()) {
                finish(run, steps);
                return;
            }
            RunbookStep step = next.get();
            if (step.nextAttemptAt().isAfter(clock.instant())) {
                return;
            }
            if (!runStep(run, step)) {
                return;
            }
        }
    }

    /** Runs one attempt of one step; true when the step is finished (done or failed for good). */
    private boolean runStep(RunbookRun run, RunbookStep step) {
        Instant started = clock.instant();
        if (!RunbookStep.WAITING.equals(step.state())) {
            db.inTransaction(h -> {
                store.startStep(h, run.id(), step.position(), node, fence.check(h), started);
                return null;
            });
        }
        try {
            StepOutcome outcome = locks.withLock(run.rollout(), () -> db.inTransaction(h -> {
                long epoch = fence.check(h);
                RunbookRun current = store.lockRun(h, run.id()).orElseThrow();
                RunbookStep fresh = store.steps(h, run.id()).get(step.position());
                if (!current.running() || fresh.finished()) {
                    return null;
                }
                Instant now = clock.instant();
                StoredRollout rollout = rollouts.lock(h, run.rollout()).orElseThrow();
                RunContext ctx = new RunContext(current, rollout, now);
                StepOutcome o = effect(h, ctx, fresh);
                switch (o) {
                    case StepOutcome.Done done -> {
                        store.finishStep(h, run.id(), step.position(), epoch, RunbookStep.DONE, done.result(), null, now, now);
                        note(h, store.run(h, run.id()).orElseThrow(), now, "step", step.step() + " done", done.result());
                    }
                    case StepOutcome.Wait wait ->
                            store.finishStep(h, run.id(), step.position(), epoch, RunbookStep.WAITING, wait.result(), null, wait.until(), null);
                }
                faults.beforeCommit(step.step());
                return o;
            }));
            faults.afterCommit(step.step());
            return outcome == null || outcome instanceof StepOutcome.Done;
        } catch (RuntimeException e) {
            return recordFailure(run, step, e);
        }
    }

    private boolean recordFailure(RunbookRun run, RunbookStep step, RuntimeException e) {
        failures.incrementAndGet();
        String error = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (e instanceof Fence.Deposed) {
            // Not this step's failure: this node no longer leads, and the new leader runs the step.
            LOG.warn("runbook run {} step {}: {}", run.id(), step.step(), e.getMessage());
            throw e;
        }
        return db.inTransaction(h -> {
            long epoch = fence.check(h);
            Instant now = clock.instant();
            RunbookRun current = store.lockRun(h, run.id()).orElseThrow();
            RunbookStep fresh = store.steps(h, run.id()).get(step.position());
            if (fresh.finished()) {
                return true;
            }
            if (fresh.attempts() >= MAX_ATTEMPTS) {
                LOG.warn("runbook run {} step {} failed for good after {} attempts: {}", run.id(), step.step(), fresh.attempts(), error);
                store.finishStep(h, run.id(), step.position(), epoch, RunbookStep.FAILED, fresh.result(), error, now, now);
                note(h, current, now, "step-failed", step.step() + " failed after " + fresh.attempts()
                        + " attempts; the run goes on with the remaining steps. Last error: " + error, Map.of("step", step.step()));
                return true;
            }
            Duration backoff = FIRST_BACKOFF.multipliedBy(1L << Math.min(fresh.attempts() - 1, 4));
            LOG.info("runbook run {} step {} attempt {} failed, retrying in {}: {}", run.id(), step.step(), fresh.attempts(),
                    backoff, error);
            store.finishStep(h, run.id(), step.position(), epoch, RunbookStep.PENDING, fresh.result(), error, now.plus(backoff), null);
            return false;
        });
    }

    private StepOutcome effect(Handle h, RunContext ctx, RunbookStep step) {
        Runbook.Step kind = Runbook.Step.byPlanName(step.step())
                .orElseThrow(() -> new IllegalStateException("unknown runbook step '" + step.step() + "'"));
        RunbookRun run = ctx.run();
        return switch (kind) {
            case PAUSE_ENROLLMENT -> {
                RolloutState state = ctx.rollout().rollout().state();
                if (state != RolloutState.ROLLING_BACK) {
                    throw new IllegalStateException("rollout is " + state.apiName() + ", not rolling_back");
                }
                yield new StepOutcome.Done(Map.of("admissions", "closed while rolling back",
                        "waitlisted", ctx.rollout().rollout().waitlisted()));
            }
            case DISABLE_FEATURES -> new StepOutcome.Done(disableFeatures(h, ctx, "step"));
            case NOTIFY_USERS -> new StepOutcome.Done(effects.notifyUsers(h, ctx));
            case NOTIFY_CONTACTS -> new StepOutcome.Done(effects.notifyContacts(h, ctx));
            case OPEN_INCIDENT -> {
                long incident = effects.openIncident(h, ctx, diagnostics.snapshot(h, ctx));
                store.setIncident(h, run.id(), incident);
                for (RunbookEvent e : store.events(h, run.id())) {
                    effects.recordOnIncident(h, incident, e.text(), eventData(run, e));
                }
                if (run.featuresDisabledAt() != null) {
                    effects.markMitigated(h, incident, run.featuresDisabledAt());
                }
                yield new StepOutcome.Done(Map.of("incidentId", incident));
            }
            case VERIFY_RECOVERY -> verify(ctx, step);
        };
    }

    /** Withdraws the features (revert or all) unless the watchdog did already; in the caller's transaction. */
    private Map<String, Object> disableFeatures(Handle h, RunContext ctx, String by) {
        RunbookRun run = ctx.run();
        if (run.featuresDisabledAt() != null) {
            return Map.of("already", "features were withdrawn at " + run.featuresDisabledAt());
        }
        StoredRollout before = ctx.rollout();
        boolean all = Runbook.DisableMode.ALL.planName().equals(run.disableMode());
        StoredRollout after = rolloutService.transitionIn(h, run.rollout(), Action.DISABLE_FEATURES, all,
                "rollback run " + run.id() + ": " + run.reason(), Actor.GUARDIAN);
        store.setFeaturesDisabled(h, run.id(), ctx.now());
        if (run.incidentId() != null) {
            effects.markMitigated(h, run.incidentId(), ctx.now());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("by", by);
        result.put("fromPhase", before.rollout().currentPhase());
        if (after.rollout().featuresWithdrawn()) {
            result.put("withdrawn", "every feature");
        } else {
            result.put("servedPhase", after.rollout().currentPhase());
            result.put("withdrawn", before.rollout().plan().phase(before.rollout().currentPhase()).features());
        }
        return result;
    }

    /**
     * Recovered when every watched guard (the one that fired, or for a person's rollback every guard that
     * pauses or rolls back) has stayed below warning for the plan's verifyFor; past verifyTimeout the
     * run ends and the incident says a person must look.
     */
    private StepOutcome verify(RunContext ctx, RunbookStep step) {
        Runbook runbook = ctx.rollout().rollout().plan().runbook();
        List<String> watched = new ArrayList<>();
        if (ctx.run().guard() != null) {
            watched.add(ctx.run().guard());
        } else {
            for (Guard g : ctx.rollout().rollout().plan().guards()) {
                if (g.onCritical() != GuardAction.ALERT) {
                    watched.add(g.name());
                }
            }
        }
        if (watched.isEmpty()) {
            return new StepOutcome.Done(Map.of("recovered", true, "detail", "the plan has no guard to verify"));
        }
        Map<String, Object> seen = new LinkedHashMap<>();
        boolean clear = true;
        for (String guard : watched) {
            Optional<GuardDecision> d = decisions.latest(ctx.run().rollout(), guard);
            String result = d.map(x -> x.result().wireName()).orElse("not evaluated yet");
            seen.put(guard, result);
            clear &= d.isPresent() && d.get().result() == GuardResult.OK;
        }
        Map<String, Object> previous = step.result() == null ? Map.of() : step.result();
        Instant since = previous.get("clearSince") instanceof String s ? Instant.parse(s) : null;
        Instant began = step.startedAt() == null ? ctx.now() : step.startedAt();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("guards", seen);
        if (clear) {
            since = since == null ? ctx.now() : since;
            result.put("clearSince", since.toString());
            if (!ctx.now().isBefore(since.plus(runbook.verifyFor()))) {
                result.put("recovered", true);
                return new StepOutcome.Done(result);
            }
        }
        if (!ctx.now().isBefore(began.plus(runbook.verifyTimeout()))) {
            result.put("recovered", false);
            result.put("needsPerson", true);
            result.put("detail", "not recovered within " + runbook.verifyTimeout().toMinutes() + " min: a person must look");
            return new StepOutcome.Done(result);
        }
        return new StepOutcome.Wait(ctx.now().plus(VERIFY_EVERY), result);
    }

    private void finish(RunbookRun run, List<RunbookStep> steps) {
        locks.withLock(run.rollout(), () -> db.inTransaction(h -> {
            fence.check(h);
            Instant now = clock.instant();
            RunbookRun current = store.lockRun(h, run.id()).orElseThrow();
            if (!current.running()) {
                return null;
            }
            StoredRollout rollout = rollouts.lock(h, run.rollout()).orElseThrow();
            if (rollout.rollout().state() == RolloutState.ROLLING_BACK) {
                if (current.featuresDisabledAt() == null) {
                    // disable-features failed or is not in the plan: a finished rollback must not serve the phase it left.
                    disableFeatures(h, new RunContext(current, rollout, now), "finish");
                }
                rolloutService.transitionIn(h, run.rollout(), Action.FINISH_ROLLBACK, false,
                        "rollback run " + run.id() + " finished", Actor.GUARDIAN);
            }
            List<String> failed = steps.stream().filter(s -> RunbookStep.FAILED.equals(s.state())).map(RunbookStep::step).toList();
            boolean needsPerson = steps.stream().anyMatch(s -> s.result() != null && Boolean.TRUE.equals(s.result().get("needsPerson")));
            String outcome = failed.isEmpty()
                    ? (needsPerson ? "rolled back; recovery not confirmed: a person must look" : "rolled back")
                    : "rolled back with failed steps: " + String.join(", ", failed);
            store.finishRun(h, run.id(), failed.isEmpty() ? RunbookRun.DONE : RunbookRun.DONE_WITH_FAILURES, outcome, now);
            note(h, store.run(h, run.id()).orElseThrow(), now, "finished", "runbook finished: " + outcome,
                    failed.isEmpty() ? Map.of() : Map.of("failedSteps", failed));
            return null;
        }));
    }

    /** Takes the features away for runs that have not within {@link #WATCHDOG_AFTER}. */
    void watchdog() {
        Instant now = clock.instant();
        for (long id : db.withHandle(store::runningIds)) {
            RunbookRun run = db.withHandle(h -> store.run(h, id)).orElse(null);
            if (run == null || run.featuresDisabledAt() != null || now.isBefore(run.startedAt().plus(WATCHDOG_AFTER))) {
                continue;
            }
            locks.withLock(run.rollout(), () -> db.inTransaction(h -> {
                fence.check(h);
                RunbookRun current = store.lockRun(h, id).orElseThrow();
                StoredRollout rollout = rollouts.lock(h, current.rollout()).orElseThrow();
                if (!current.running() || current.featuresDisabledAt() != null
                        || rollout.rollout().state() != RolloutState.ROLLING_BACK) {
                    return null;
                }
                String stuck = store.steps(h, id).stream().filter(s -> !s.finished()).map(s -> s.step() + " (" + s.state() + ")")
                        .findFirst().orElse("none");
                Map<String, Object> result = disableFeatures(h, new RunContext(current, rollout, now), "watchdog");
                LOG.warn("runbook run {}: the watchdog withdrew the features of {} after {}; stuck at {}", id,
                        current.rollout(), WATCHDOG_AFTER, stuck);
                note(h, current, now, "watchdog", "watchdog withdrew the features: the run had not done so within "
                        + WATCHDOG_AFTER.toSeconds() + " s (at step " + stuck + ")", result);
                return null;
            }));
        }
    }

    /** Writes to the run's timeline and, once there is one, the incident's. */
    private void note(Handle h, RunbookRun run, Instant at, String kind, String text, Map<String, Object> data) {
        store.event(h, run.id(), at, kind, text, data);
        if (run.incidentId() != null) {
            effects.recordOnIncident(h, run.incidentId(), text, eventData(run, new RunbookEvent(0, at, kind, text, data)));
        }
    }

    private static Map<String, Object> eventData(RunbookRun run, RunbookEvent e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("runId", run.id());
        data.put("kind", e.kind());
        data.put("at", e.at().toString());
        if (e.data() != null) {
            data.putAll(e.data());
        }
        return data;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
