package dev.phasegate.server.guard;

import dev.phasegate.core.plan.Guard;
import dev.phasegate.core.plan.GuardKind;
import dev.phasegate.core.plan.GuardMetric;
import dev.phasegate.core.plan.GuardScope;
import dev.phasegate.core.plan.Durations;
import dev.phasegate.core.rollout.RolloutState;
import dev.phasegate.server.alert.AlertBook;
import dev.phasegate.server.alert.AlertRule;
import dev.phasegate.server.alert.Condition;
import dev.phasegate.server.alert.Severity;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.rollout.StoredRollout;
import dev.phasegate.server.store.Database;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Evaluates every guard of every watched rollout once per tick: reads, judges, records the decision and
 * tells the alert book which of the guard's alerts are breaching. One instance per node for now; the
 * scale-out work runs it on the leader only.
 *
 * <p>Rollouts are watched while {@code active}, {@code paused} or {@code rolling_back}: a paused rollout
 * still serves features, and a rollback's recovery is judged by the same guards. When a guard stops being
 * evaluated (plan changed, rollout finished), its alerts are told "clear" until they have had time to resolve.
 */
public final class GuardEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuardEngine.class);
    private static final Set<RolloutState> WATCHED = Set.of(RolloutState.ACTIVE, RolloutState.PAUSED, RolloutState.ROLLING_BACK);
    /** Decisions are purged hourly: retention is counted in days, so an hour late is of no consequence. */
    private static final Duration PURGE_EVERY = Duration.ofHours(1);

    private final Database db;
    private final RolloutRepository rollouts;
    private final GuardReader reader;
    private final AlertBook alerts;
    private final DecisionLog decisions;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Duration retention;
    private final Duration noDataGrace;
    private final Map<String, GuardGauges> gauges = new HashMap<>();
    private final Map<AlertRule, Instant> retiring = new HashMap<>();
    private final Counter failures;
    private Set<AlertRule> observedLastTick = Set.of();
    private Instant nextPurge = Instant.MIN;
    private volatile ScheduledExecutorService scheduler;

    public GuardEngine(Database db, RolloutRepository rollouts, GuardReader reader, AlertBook alerts,
                       DecisionLog decisions, MeterRegistry meters, Clock clock, Duration retention, Duration noDataGrace) {
        this.db = db;
        this.rollouts = rollouts;
        this.reader = reader;
        this.alerts = alerts;
        this.decisions = decisions;
        this.meters = meters;
        this.clock = clock;
        this.retention = retention;
        this.noDataGrace = noDataGrace;
        this.failures = Counter.builder("phasegate.guard.failures")
                .description("guard evaluations that failed with an exception (the loop goes on)").register(meters);
    }

    /** Ticks every {@code interval} on a thread of its own until closed. */
    public GuardEngine start(Duration interval) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phasegate-guards");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::tickSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warn("guard tick failed; the next tick will try again", e);
        }
    }

    /** One round over every watched rollout's guards. Runs on the engine's thread (or a test's). */
    public synchronized void tick() {
        Instant now = clock.instant();
        List<StoredRollout> all = db.withHandle(rollouts::list);
        Set<AlertRule> observed = new HashSet<>();
        Set<String> live = new HashSet<>();
        for (StoredRollout stored : all) {
            if (!WATCHED.contains(stored.rollout().state())) {
                continue;
            }
            for (Guard guard : stored.rollout().plan().guards()) {
                String key = DecisionLog.key(stored.rollout().key(), guard.name());
                live.add(key);
                try {
                    GuardDecision decision = decisions.record(evaluate(stored, guard, now));
                    observed.addAll(observe(stored.rollout().key(), guard, decision));
                    gauge(stored.rollout().key(), guard.name()).set(decision);
                    meters.counter("phasegate.guard.evaluations", "result", decision.result().wireName()).increment();
                } catch (RuntimeException e) {
                    failures.increment();
                    LOG.warn("guard {} of rollout {} could not be evaluated; the next tick will try again",
                            guard.name(), stored.rollout().key(), e);
                    // Keep its alerts out of the retiring set: a failing evaluation is not a cleared guard.
                    observedLastTick.stream().filter(r -> r.labels().get("rollout").equals(stored.rollout().key())
                            && r.labels().get("guard").equals(guard.name())).forEach(observed::add);
                }
            }
        }
        retire(observed, now);
        decisions.retain(live);
        gauges.keySet().removeIf(k -> {
            if (!live.contains(k)) {
                gauges.get(k).remove(meters);
                return true;
            }
            return false;
        });
        if (!now.isBefore(nextPurge)) {
            nextPurge = now.plus(PURGE_EVERY);
            int purged = decisions.purge(now.minus(retention));
            if (purged > 0) {
                LOG.info("purged {} guard decisions older than {}", purged, Durations.format(retention));
            }
        }
    }

    /** Judges one guard now. */
    GuardDecision evaluate(StoredRollout stored, Guard guard, Instant now) {
        return switch (guard.kind()) {
            case THRESHOLD -> threshold(stored, guard, now);
            case COMPARISON -> comparison(stored, guard, now);
            case TREND -> trend(stored, guard, now);
        };
    }

    private GuardDecision threshold(StoredRollout stored, Guard guard, Instant now) {
        Instant from = now.minus(guard.window());
        Reading reading = reader.read(stored.rollout().key(), guard, from, now);
        GuardResult result;
        String explanation;
        String what = describe(guard);
        String over = " over the last " + Durations.format(guard.window()) + " (" + sampleText(guard, reading.samples()) + ")";
        if (reading.failed()) {
            result = GuardResult.ERROR;
            explanation = what + " could not be read: " + reading.failure();
        } else if (Double.isNaN(reading.value()) || reading.samples() < guard.minSamples()) {
            result = GuardResult.INSUFFICIENT_DATA;
            explanation = "insufficient data for " + what + ": " + sampleText(guard, reading.samples()) + " in the last "
                    + Durations.format(guard.window()) + ", " + guard.minSamples() + " needed";
        } else if (reading.value() >= guard.critical()) {
            result = GuardResult.CRITICAL;
            explanation = what + " " + format(guard.metric(), reading.value()) + " ≥ critical "
                    + format(guard.metric(), guard.critical()) + over;
        } else if (reading.value() >= guard.warning()) {
            result = GuardResult.WARNING;
            explanation = what + " " + format(guard.metric(), reading.value()) + " ≥ warning "
                    + format(guard.metric(), guard.warning()) + over;
        } else {
            result = GuardResult.OK;
            explanation = what + " " + format(guard.metric(), reading.value()) + " below warning "
                    + format(guard.metric(), guard.warning()) + over;
        }
        return decision(stored, guard, now, from, result, Double.isNaN(reading.value()) ? null : reading.value(),
                guard.warning(), guard.critical(), null, null, reading.samples(), null, reading.figures(), explanation);
    }

    private GuardDecision comparison(StoredRollout stored, Guard guard, Instant now) {
        // Evidence accumulates from the start of the phase: earlier traffic came from another set of beta users.
        Instant from = later(now.minus(guard.window()), stored.phaseStartedAt());
        Comparison c = reader.compare(stored.rollout().key(), guard, from, now);
        GuardResult result = switch (c.outcome()) {
            case PASS -> GuardResult.OK;
            case WARNING -> GuardResult.WARNING;
            case CRITICAL -> GuardResult.CRITICAL;
            case INSUFFICIENT_DATA -> GuardResult.INSUFFICIENT_DATA;
        };
        return decision(stored, guard, now, from, result, finite(c.estimate()), guard.warning(), guard.critical(),
                finite(c.lower()), finite(c.upper()), c.betaSamples(), c.controlSamples(), c.figures(), c.explanation());
    }

    private GuardDecision trend(StoredRollout stored, Guard guard, Instant now) {
        Instant from = now.minus(guard.window());
        TrendReading t = reader.trend(stored.rollout().key(), guard, from, now);
        GuardResult result;
        if (t.failure() != null) {
            result = GuardResult.ERROR;
        } else {
            result = switch (t.outcome()) {
                case WARNING, CRITICAL -> GuardResult.WARNING;
                case PASS -> GuardResult.OK;
                case INSUFFICIENT_DATA -> GuardResult.INSUFFICIENT_DATA;
            };
        }
        String explanation = t.failure() != null ? describe(guard) + " could not be read: " + t.failure() : t.explanation();
        return decision(stored, guard, now, from, result, finite(t.predicted()), null, guard.critical(),
                finite(t.lower()), finite(t.upper()), t.samples(), null, t.figures(), explanation);
    }

    private static GuardDecision decision(StoredRollout stored, Guard guard, Instant now, Instant from, GuardResult result,
                                          Double observed, Double warning, Double critical, Double lower, Double upper,
                                          long samples, Long controlSamples, Map<String, Object> figures,
                                          String explanation) {
        return new GuardDecision(null, now, stored.rollout().key(), guard.name(), guard.kind().planName(),
                guard.metric().planName(), guard.scope().planName(), guard.phase(), from, now, result, observed,
                warning, critical, lower, upper, samples, controlSamples, figures == null ? Map.of() : figures, explanation);
    }

    /** Tells the alert book where each of the guard's alerts stands; returns the rules observed. */
    private List<AlertRule> observe(String rollout, Guard guard, GuardDecision d) {
        AlertRule warning = rule(rollout, guard, Severity.WARNING, "breach");
        // A guard that cannot judge (no data, or its source fails) for longer than the grace raises an
        // alert of its own; a trend without a good fit is not "no data", it simply predicts nothing.
        AlertRule unavailable = new AlertRule(rule(rollout, guard, Severity.WARNING, "unavailable").labels(), Severity.WARNING,
                noDataGrace, guard.keepFiringFor());
        Map<String, Object> record = decisionMap(d);
        List<AlertRule> rules = new ArrayList<>(List.of(warning, unavailable));
        boolean noData = d.result() == GuardResult.ERROR
                || (d.result() == GuardResult.INSUFFICIENT_DATA && guard.kind() != GuardKind.TREND);
        Condition unavailableNow = noData ? Condition.BREACHING : Condition.CLEAR;
        alerts.observe(unavailable, unavailableNow, d.explanation(), record);
        if (guard.kind() == GuardKind.TREND) {
            Condition c = switch (d.result()) {
                case WARNING, CRITICAL -> Condition.BREACHING;
                case OK, INSUFFICIENT_DATA -> Condition.CLEAR;
                case ERROR -> Condition.UNKNOWN;
            };
            alerts.observe(warning, c, d.explanation(), record);
            return rules;
        }
        AlertRule critical = rule(rollout, guard, Severity.CRITICAL, "breach");
        rules.add(critical);
        Condition w;
        Condition c;
        switch (d.result()) {
            case CRITICAL -> {
                w = Condition.BREACHING;
                c = Condition.BREACHING;
            }
            case WARNING -> {
                w = Condition.BREACHING;
                c = Condition.CLEAR;
            }
            case OK -> {
                w = Condition.CLEAR;
                c = Condition.CLEAR;
            }
            default -> {
                w = Condition.UNKNOWN;
                c = Condition.UNKNOWN;
            }
        }
        alerts.observe(critical, c, d.explanation(), record);
        alerts.observe(warning, w, d.explanation(), record);
        return rules;
    }

    private static AlertRule rule(String rollout, Guard guard, Severity severity, String alert) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("rollout", rollout);
        labels.put("guard", guard.name());
        labels.put("scope", guard.scope().planName());
        if (guard.phase() != null) {
            labels.put("phase", String.valueOf(guard.phase()));
        }
        labels.put("severity", severity == Severity.CRITICAL ? "critical" : "warning");
        labels.put("alert", alert);
        return new AlertRule(Map.copyOf(labels), severity, guard.forDuration(), guard.keepFiringFor());
    }

    /** Rules no longer evaluated are told "clear" until their alerts have had time to resolve. */
    private void retire(Set<AlertRule> observed, Instant now) {
        for (AlertRule gone : observedLastTick) {
            if (!observed.contains(gone)) {
                retiring.put(gone, now.plus(gone.keepFiringFor()).plus(Duration.ofSeconds(5)));
            }
        }
        observed.forEach(retiring::remove);
        retiring.entrySet().removeIf(e -> {
            alerts.observe(e.getKey(), Condition.CLEAR, "guard " + e.getKey().labels().get("guard")
                    + " is no longer evaluated (rollout finished or plan changed)", Map.of());
            return now.isAfter(e.getValue());
        });
        observedLastTick = observed;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> decisionMap(GuardDecision d) {
        return Json.MAPPER.convertValue(d, Map.class);
    }

    private GuardGauges gauge(String rollout, String guard) {
        return gauges.computeIfAbsent(DecisionLog.key(rollout, guard), k -> new GuardGauges(meters, rollout, guard));
    }

    static String describe(Guard guard) {
        String metric = switch (guard.metric()) {
            case CPU_PERCENT -> "CPU";
            case MEMORY_PERCENT -> "memory";
            case DISK_PERCENT -> "disk";
            case P50_LATENCY_SECONDS -> "p50 latency";
            case P95_LATENCY_SECONDS -> "p95 latency";
            case P99_LATENCY_SECONDS -> "p99 latency";
            case ERROR_RATE_PERCENT -> "error rate";
            case CUSTOM -> "metric " + guard.metricName();
            case PROMQL -> "PromQL value";
        };
        if (guard.scope() == GuardScope.SYSTEM || guard.metric() == GuardMetric.PROMQL) {
            return metric;
        }
        return metric + " of " + guard.scope().planName() + (guard.phase() == null ? "" : " phase " + guard.phase());
    }

    static String format(GuardMetric metric, double value) {
        return switch (metric) {
            case CPU_PERCENT, MEMORY_PERCENT, DISK_PERCENT, ERROR_RATE_PERCENT -> String.format(java.util.Locale.ROOT, "%.2f %%", value);
            case P50_LATENCY_SECONDS, P95_LATENCY_SECONDS, P99_LATENCY_SECONDS -> String.format(java.util.Locale.ROOT, "%.3f s", value);
            default -> String.format(java.util.Locale.ROOT, "%.4g", value);
        };
    }

    private static String sampleText(Guard guard, long samples) {
        String unit = guard.metric().host() ? "host samples" : switch (guard.metric()) {
            case CUSTOM -> "metric events";
            case PROMQL -> "PromQL values";
            default -> "requests";
        };
        return String.format(java.util.Locale.ROOT, "%,d %s", samples, unit);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
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
        gauges.values().forEach(g -> g.remove(meters));
        gauges.clear();
    }

    /** {@code phasegate_guard_value} and {@code phasegate_guard_result} of one guard. */
    private static final class GuardGauges {
        private volatile double value = Double.NaN;
        private volatile double result;
        private final Gauge valueGauge;
        private final Gauge resultGauge;

        GuardGauges(MeterRegistry meters, String rollout, String guard) {
            valueGauge = Gauge.builder("phasegate.guard.value", this, g -> g.value)
                    .description("the guard's last observed value in its plan unit (comparison: beta minus control)")
                    .tags("rollout", rollout, "guard", guard).register(meters);
            resultGauge = Gauge.builder("phasegate.guard.result", this, g -> g.result)
                    .description("the guard's last result: 0 ok, 1 warning, 2 critical, -1 insufficient data, -2 error")
                    .tags("rollout", rollout, "guard", guard).register(meters);
        }

        void set(GuardDecision d) {
            value = d.observed() == null ? Double.NaN : d.observed();
            result = d.result().code();
        }

        void remove(MeterRegistry meters) {
            meters.remove(valueGauge);
            meters.remove(resultGauge);
        }
    }
}
