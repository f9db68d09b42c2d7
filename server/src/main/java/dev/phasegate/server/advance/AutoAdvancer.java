package dev.phasegate.server.advance;

import dev.phasegate.core.plan.Phase;
import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.core.rollout.RolloutState;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.action.ActionLog;
import dev.phasegate.server.action.ActionRecord;
import dev.phasegate.server.action.ActionResult;
import dev.phasegate.server.audit.Actor;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.RolloutService;
import dev.phasegate.server.rollout.StoredRollout;
import dev.phasegate.server.store.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Advances each active rollout whose current phase says {@code advance.auto: true} once its {@link Readiness}
 * is ready: through {@link RolloutService#advanceFrom} (so the audit log has it, by the {@code guardian}, with
 * the criteria's values as the reason) and recorded as an {@code advance} action holding the readiness report
 * of that moment. Rollouts that are not ready are left alone; their readiness report says why.
 *
 * <pre>{@code
 * AutoAdvancer advancer = new AutoAdvancer(db, new RolloutRepository(), rollouts, readiness, actions, registry, clock,
 *         Executors.newSingleThreadScheduledExecutor()).start(AutoAdvancer.INTERVAL);
 * }</pre>
 */
public final class AutoAdvancer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AutoAdvancer.class);

    /** The actor of automatic advances in the audit log. */
    public static final Actor GUARDIAN = new Actor("guardian", "guardian");
    /**
     * Every five seconds: criteria are minutes to days long, so a few seconds late is nothing, while each check
     * reads the phase's telemetry from the store. No point checking more often than guards are evaluated.
     */
    public static final Duration INTERVAL = Duration.ofSeconds(5);

    private final Database db;
    private final RolloutRepository rollouts;
    private final RolloutService service;
    private final Readiness readiness;
    private final ActionLog actions;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Counter failures;
    private final Counter advanced;

    /** @param scheduler runs the ticks; owned by this object from now on (closed with it) */
    public AutoAdvancer(Database db, RolloutRepository rollouts, RolloutService service, Readiness readiness, ActionLog actions,
                        MeterRegistry meters, Clock clock, ScheduledExecutorService scheduler) {
        this.db = db;
        this.rollouts = rollouts;
        this.service = service;
        this.readiness = readiness;
        this.actions = actions;
        this.clock = clock;
        this.scheduler = scheduler;
        this.failures = Counter.builder("phasegate.advance.failures")
                .description("auto-advance checks that failed with an exception (the loop goes on)").register(meters);
        this.advanced = Counter.builder("phasegate.advance.advanced")
                .description("phases the guardian advanced by itself").register(meters);
    }

    /** Ticks every {@code interval} until stopped or closed (again after a stop: a node that leads again). */
    public synchronized AutoAdvancer start(Duration interval) {
        stop();
        task = scheduler.scheduleWithFixedDelay(this::tickSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Stops ticking (the node no longer leads); a tick under way finishes. */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private java.util.concurrent.ScheduledFuture<?> task;

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            failures.increment();
            log.warn("auto-advance tick failed; the next tick tries again", e);
        }
    }

    /** One round over the rollouts; answers the keys advanced. Runs on the scheduler's thread (or a test's). */
    public synchronized List<String> tick() {
        Instant now = clock.instant();
        List<String> done = new ArrayList<>();
        for (StoredRollout stored : db.withHandle(rollouts::list)) {
            if (!candidate(stored, now)) {
                continue;
            }
            String key = stored.rollout().key();
            try {
                if (advance(stored, now)) {
                    done.add(key);
                }
            } catch (RuntimeException e) {
                failures.increment();
                log.warn("auto-advance of rollout {} failed; the next tick tries again", key, e);
            }
        }
        return done;
    }

    /** Cheap checks first, so a rollout days from its minimum duration costs no telemetry read. */
    private static boolean candidate(StoredRollout stored, Instant now) {
        Rollout r = stored.rollout();
        if (r.state() != RolloutState.ACTIVE || r.inLastPhase()) {
            return false;
        }
        Phase phase = r.plan().phase(r.currentPhase());
        return phase.advance().auto() && (phase.advance().minDuration() == null
                || !now.isBefore(stored.phaseStartedAt().plus(phase.advance().minDuration())));
    }

    private boolean advance(StoredRollout stored, Instant now) {
        ReadinessReport report = readiness.of(stored, now);
        if (!report.ready()) {
            return false;
        }
        String key = report.rollout();
        String why = "auto-advance: every criterion met (" + report.criteria().stream()
                .map(c -> c.name() + " " + shown(c.value()) + (c.required() == null ? "" : " / " + shown(c.required())))
                .collect(Collectors.joining("; ")) + ")";
        String what = "phase " + report.phase() + " (" + report.phaseName() + ") → phase " + report.nextPhase() + " ("
                + report.nextPhaseName() + ")";
        ActionRecord action = ActionRecord.of(now, ActionRecord.ADVANCE, key, null, why);
        long start = System.nanoTime();
        try {
            service.advanceFrom(key, report.phase(), why, GUARDIAN);
        } catch (PhasegateException.Conflict e) {
            // Someone moved the rollout since it was judged (a person advanced, paused or rolled back): not ours to redo.
            actions.record(action.ended(ActionResult.SKIPPED, e.getMessage(), millisSince(start), report));
            return false;
        } catch (RuntimeException e) {
            try {
                actions.record(action.ended(ActionResult.FAILED, e.toString(), millisSince(start), report));
            } catch (RuntimeException recordFailed) {
                log.warn("the failed auto-advance of {} could not be recorded", key, recordFailed);
            }
            throw e;
        }
        advanced.increment();
        log.info("auto-advanced rollout {}: {}", key, what);
        actions.record(action.ended(ActionResult.OK, what, millisSince(start), report));
        return true;
    }

    private static String shown(Object value) {
        if (value instanceof Double d) {
            return String.format(Locale.ROOT, "%.2f", d);
        }
        return String.valueOf(value);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
