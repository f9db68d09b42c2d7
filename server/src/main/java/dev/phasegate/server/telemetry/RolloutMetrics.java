package dev.phasegate.server.telemetry;

import dev.phasegate.server.store.Database;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The body of {@code GET /api/v1/rollouts/{key}/metrics}: every node's stored rows plus what this node has
 * not flushed yet, summed per step for beta (all phases), each beta phase, and control. Rows older than a
 * step's resolution (1 min after an hour, 1 h after a day) count in the step their start falls in.
 */
final class RolloutMetrics {

    /** Comments returned with the points: enough for a dashboard panel. */
    static final int MAX_COMMENTS = 50;

    private final Database db;
    private final RollupStore store;
    private final Rollups rollups;

    RolloutMetrics(Database db, RollupStore store, Rollups rollups) {
        this.db = db;
        this.store = store;
        this.rollups = rollups;
    }

    private record Source(Cohort cohort, int phase, long start, Partial data) {
    }

    private record Comment(Cohort cohort, int phase, FeedbackComment comment) {
    }

    /** The answer for [from, to) in steps of {@code step}; {@code from} is a multiple of {@code step} since the epoch. */
    Map<String, Object> query(String rollout, Instant from, Instant to, Duration step, int currentPhase) {
        long fromMs = from.toEpochMilli();
        long toMs = to.toEpochMilli();
        long stepMs = step.toMillis();
        int steps = (int) ((toMs - fromMs) / stepMs);
        List<Source> sources = new ArrayList<>();
        // Under the read lock a flush is either wholly before (its rows are read from the store, its data is no longer
        // unflushed) or wholly after (rows not there yet, data still unflushed): each event is counted once.
        rollups.storeLock.readLock().lock();
        try {
            for (RollupStore.Row row : db.withHandle(h -> store.read(h, rollout, fromMs, toMs))) {
                sources.add(new Source(row.cohort(), row.phase(), row.start(), row.data()));
            }
            for (Series s : rollups.seriesOf(rollout)) {
                for (Bucket b : s.buckets.values()) {
                    if (b.start >= fromMs && b.start < toMs) {
                        Partial p = new Partial();
                        b.mergeUnflushedInto(p);
                        if (!p.isEmpty()) {
                            sources.add(new Source(s.cohort, s.phase, b.start, p));
                        }
                    }
                }
            }
        } finally {
            rollups.storeLock.readLock().unlock();
        }
        Partial[] beta = parts(steps);
        Partial[] control = parts(steps);
        TreeMap<Integer, Partial[]> phases = new TreeMap<>();
        for (int phase = 1; phase <= currentPhase; phase++) {
            phases.put(phase, parts(steps));
        }
        List<Comment> comments = new ArrayList<>();
        for (Source s : sources) {
            int i = (int) ((s.start() - fromMs) / stepMs);
            if (s.cohort() == Cohort.BETA) {
                beta[i].merge(s.data());
                phases.computeIfAbsent(s.phase(), p -> parts(steps))[i].merge(s.data());
            } else {
                control[i].merge(s.data());
            }
            if (s.data().comments != null) {
                s.data().comments.forEach(c -> comments.add(new Comment(s.cohort(), s.phase(), c)));
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("rollout", rollout);
        body.put("from", from.toString());
        body.put("to", to.toString());
        body.put("step", TelemetryRoutes.formatStep(step));
        body.put("beta", points(beta, fromMs, stepMs));
        body.put("control", points(control, fromMs, stepMs));
        Map<String, Object> byPhase = new LinkedHashMap<>();
        phases.forEach((phase, parts) -> byPhase.put(String.valueOf(phase), points(parts, fromMs, stepMs)));
        body.put("phases", byPhase);
        comments.sort(Comparator.comparing((Comment c) -> c.comment().at()).reversed());
        List<Map<String, Object>> feedback = new ArrayList<>();
        for (Comment c : comments.subList(0, Math.min(MAX_COMMENTS, comments.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", c.comment().at().toString());
            m.put("cohort", c.cohort().wireName());
            m.put("phase", c.phase());
            m.put("userId", c.comment().userId());
            m.put("rating", c.comment().rating());
            m.put("comment", c.comment().comment());
            feedback.add(m);
        }
        body.put("feedback", feedback);
        return body;
    }

    /**
     * One series' telemetry over [from, to): every node's stored rows and this node's unflushed data whose
     * time span overlaps it. A downsampled row (1 min, 1 h) that starts before {@code from} but reaches past
     * it counts whole: rows cannot be split, and a series belongs to one phase, so what it adds from before
     * {@code from} is that phase's own earlier traffic.
     */
    Aggregate total(String rollout, Cohort cohort, int phase, Instant from, Instant to) {
        return total(rollout, cohort, Integer.valueOf(phase), from, to);
    }

    /** As {@link #total(String, Cohort, int, Instant, Instant)}; a null phase sums every phase of the cohort. */
    Aggregate total(String rollout, Cohort cohort, Integer phase, Instant from, Instant to) {
        long fromMs = from.toEpochMilli();
        long toMs = to.toEpochMilli();
        // The coarsest stored resolution is an hour: a row overlapping `from` starts at most an hour before it.
        long readFrom = fromMs - Duration.ofHours(1).toMillis();
        Partial sum = new Partial();
        rollups.storeLock.readLock().lock();
        try {
            for (RollupStore.Row row : storedRows(rollout, cohort, phase, readFrom, toMs)) {
                if (row.start() + row.resolution() * 1000L > fromMs) {
                    sum.merge(row.data());
                }
            }
            for (Series s : unflushed(rollout, cohort, phase)) {
                for (Bucket b : s.buckets.values()) {
                    if (b.start + Rollups.BUCKET_MILLIS > fromMs && b.start < toMs) {
                        b.mergeUnflushedInto(sum);
                    }
                }
            }
        } finally {
            rollups.storeLock.readLock().unlock();
        }
        return new Aggregate(sum);
    }

    /**
     * One aggregate per step over [from, to), oldest first, empty steps included: every node's stored rows and
     * this node's unflushed data, each counted in the step its start falls in. What trend guards fit on a
     * cluster, where each node holds only the telemetry sent to it.
     */
    List<TimedAggregate> series(String rollout, Cohort cohort, Integer phase, Instant from, Instant to, Duration step) {
        long stepMs = step.toMillis();
        if (stepMs <= 0 || stepMs % Rollups.BUCKET_MILLIS != 0) {
            throw new IllegalArgumentException("step must be a positive multiple of 10 s, was " + step);
        }
        long fromMs = from.toEpochMilli();
        long toMs = to.toEpochMilli();
        int steps = (int) Math.max(0, (toMs - fromMs + stepMs - 1) / stepMs);
        Partial[] parts = parts(steps);
        rollups.storeLock.readLock().lock();
        try {
            for (RollupStore.Row row : storedRows(rollout, cohort, phase, fromMs, toMs)) {
                parts[(int) ((row.start() - fromMs) / stepMs)].merge(row.data());
            }
            for (Series s : unflushed(rollout, cohort, phase)) {
                for (Bucket b : s.buckets.values()) {
                    if (b.start >= fromMs && b.start < toMs) {
                        b.mergeUnflushedInto(parts[(int) ((b.start - fromMs) / stepMs)]);
                    }
                }
            }
        } finally {
            rollups.storeLock.readLock().unlock();
        }
        List<TimedAggregate> result = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            result.add(new TimedAggregate(Instant.ofEpochMilli(fromMs + i * stepMs), new Aggregate(parts[i])));
        }
        return result;
    }

    /** One cohort's stored rows (every node's) starting in [from, to); a null phase reads every phase. */
    private List<RollupStore.Row> storedRows(String rollout, Cohort cohort, Integer phase, long from, long to) {
        List<RollupStore.Row> rows = phase == null
                ? db.withHandle(h -> store.read(h, rollout, from, to))
                : db.withHandle(h -> store.read(h, rollout, cohort, phase, from, to));
        return rows.stream().filter(r -> r.cohort() == cohort).toList();
    }

    /** This node's series of a cohort (and phase, unless null), whose unflushed data the store does not hold yet. */
    private List<Series> unflushed(String rollout, Cohort cohort, Integer phase) {
        return rollups.seriesOf(rollout).stream().filter(s -> s.cohort == cohort && (phase == null || s.phase == phase)).toList();
    }

    private static Partial[] parts(int steps) {
        Partial[] parts = new Partial[steps];
        for (int i = 0; i < steps; i++) {
            parts[i] = new Partial();
        }
        return parts;
    }

    private static List<Map<String, Object>> points(Partial[] parts, long fromMs, long stepMs) {
        List<Map<String, Object>> points = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            Aggregate a = new Aggregate(parts[i]);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("t", Instant.ofEpochMilli(fromMs + i * stepMs).toString());
            p.put("requests", a.requests());
            p.put("errors", a.errors());
            p.put("errorRate", finite(a.errorRatePercent()));
            p.put("p50", finite(a.latencyMs(0.50)));
            p.put("p95", finite(a.latencyMs(0.95)));
            p.put("p99", finite(a.latencyMs(0.99)));
            p.put("activeUsers", a.distinctUsers());
            p.put("sessions", a.sessions());
            p.put("sessionSecondsAvg", finite(a.sessionSecondsAverage()));
            p.put("feedbackCount", a.feedbackCount());
            p.put("feedbackAvg", finite(a.feedbackAverage()));
            p.put("featureUsage", a.featureUsage());
            points.add(p);
        }
        return points;
    }

    /** NaN (no data) is null in JSON. */
    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
