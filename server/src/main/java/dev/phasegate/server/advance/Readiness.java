package dev.phasegate.server.advance;

import dev.phasegate.core.plan.Guard;
import dev.phasegate.core.plan.GuardKind;
import dev.phasegate.core.plan.GuardMetric;
import dev.phasegate.core.plan.Phase;
import dev.phasegate.core.plan.Plan;
import dev.phasegate.core.rollout.Rollout;
import dev.phasegate.server.alert.Alert;
import dev.phasegate.server.alert.AlertBook;
import dev.phasegate.server.alert.AlertQuery;
import dev.phasegate.server.alert.AlertState;
import dev.phasegate.server.guard.DecisionLog;
import dev.phasegate.server.guard.GuardDecision;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.RolloutService;
import dev.phasegate.server.rollout.StoredRollout;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.telemetry.Aggregate;
import dev.phasegate.server.telemetry.Cohort;
import dev.phasegate.server.telemetry.Telemetry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gathers the evidence for a rollout's current phase and judges it: telemetry since the phase started (every
 * node's stored rollups plus this node's unflushed data), the rollout's firing alerts, each guard's latest
 * decision. The criteria are the current phase's {@code advance}: they gate leaving it (see
 * docs/plan-format.md).
 *
 * <pre>{@code
 * ReadinessReport report = readiness.of("trading-engine-v2");
 * if (!report.ready()) System.out.println(report.reason());   // "not met: min-duration, enough-samples"
 * }</pre>
 */
public final class Readiness {

    /** Firing alerts considered; far above what one rollout has open (a few per guard). */
    static final int MAX_ALERTS = 500;
    /**
     * A stored decision older than this does not count as the guard's latest: decisions are stored at least
     * every 10 s while evaluated, so it means the guard is not being evaluated now.
     */
    static final Duration STALE_DECISION = Duration.ofMinutes(2);

    private final Database db;
    private final RolloutRepository rollouts;
    private final Telemetry telemetry;
    private final AlertBook alerts;
    private final DecisionLog decisions;
    private final Clock clock;

    public Readiness(Database db, RolloutRepository rollouts, Telemetry telemetry, AlertBook alerts, DecisionLog decisions,
                     Clock clock) {
        this.db = db;
        this.rollouts = rollouts;
        this.telemetry = telemetry;
        this.alerts = alerts;
        this.decisions = decisions;
        this.clock = clock;
    }

    /** The report for a rollout now; {@code PhasegateException.NotFound} when there is no such rollout. */
    public ReadinessReport of(String key) {
        StoredRollout stored = db.withHandle(h -> rollouts.find(h, key)).orElseThrow(() -> RolloutService.notFound(key));
        return of(stored, clock.instant());
    }

    ReadinessReport of(StoredRollout stored, Instant now) {
        return Criteria.judge(evidence(stored, now));
    }

    Evidence evidence(StoredRollout stored, Instant now) {
        Rollout r = stored.rollout();
        Plan plan = r.plan();
        int phase = r.currentPhase();
        Phase current = plan.phase(phase);
        String next = phase < plan.phaseCount() ? plan.phase(phase + 1).name() : null;
        Aggregate beta = telemetry.total(r.key(), Cohort.BETA, phase, stored.phaseStartedAt(), now);

        List<Evidence.FiringAlert> firing = new ArrayList<>();
        for (Alert a : alerts.list(new AlertQuery(AlertState.FIRING, r.key(), null, null, null, null, MAX_ALERTS))) {
            firing.add(new Evidence.FiringAlert(a.id(), a.guard(), a.severity().wire(),
                    a.labels().getOrDefault("alert", "breach"), a.silenced()));
        }

        List<Evidence.GuardData> guards = new ArrayList<>();
        int requiredSamples = Guard.DEFAULT_MIN_SAMPLES;
        String samplesGuard = null;
        for (Guard g : plan.guards()) {
            boolean applies = g.phase() == null || g.phase() == phase;
            guards.add(new Evidence.GuardData(g.name(), applies ? latestResult(r.key(), g.name(), now) : null, applies));
            if (applies && countsRequests(g) && (samplesGuard == null || g.minSamples() > requiredSamples)) {
                requiredSamples = g.minSamples();
                samplesGuard = g.name();
            }
        }
        return new Evidence(r.key(), r.state(), phase, current.name(), next, current.advance(), stored.phaseStartedAt(), now,
                beta.distinctUsers(), beta.requests(), beta.errors(), beta.feedbackCount(), beta.feedbackAverage(),
                firing, guards, requiredSamples, samplesGuard);
    }

    /** Guards whose {@code minSamples} counts requests: error rate and latency, thresholds and comparisons. */
    private static boolean countsRequests(Guard g) {
        return g.kind() != GuardKind.TREND && (g.metric() == GuardMetric.ERROR_RATE_PERCENT || g.metric().latency());
    }

    /** This node's latest evaluation, else the newest stored one if recent (another node evaluates guards). */
    private String latestResult(String rollout, String guard, Instant now) {
        Optional<GuardDecision> latest = decisions.latest(rollout, guard);
        if (latest.isEmpty()) {
            latest = decisions.history(rollout, guard, null, null, null, 1).stream().findFirst()
                    .filter(d -> d.at().isAfter(now.minus(STALE_DECISION)));
        }
        return latest.map(d -> d.result().wireName()).orElse(null);
    }
}
