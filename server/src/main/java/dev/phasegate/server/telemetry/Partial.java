package dev.phasegate.server.telemetry;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Mutable sums of some events of one series: a bucket's unflushed part, a stored row, or a merge of them.
 * Not thread-safe: its owner ({@link Bucket} under its lock, or one reader) is the only one touching it.
 * Sketches are made on first use, so a bucket with only feature events costs a few maps.
 */
final class Partial {

    /** The accuracy: quantiles within 1 % of the true value. */
    static final double RELATIVE_ACCURACY = 0.01;
    /**
     * Bins per sketch store. At 1 % accuracy 2,048 bins span a ratio of about 10^17 between the smallest and
     * largest value kept apart, far more than latencies need; the cap bounds memory (≈ 16 kB) if a client
     * sends absurd values, and only the lowest bins would be collapsed.
     */
    static final int MAX_BINS = 2048;
    /** The newest comments a bucket keeps for the dashboard. */
    static final int MAX_COMMENTS = 20;

    long requests;
    long errors;
    DDSketch latency;
    long sessions;
    double sessionMsSum;
    DDSketch sessionMs;
    DistinctUsers users;
    Map<String, long[]> features;
    long feedbackCount;
    long feedbackSum;
    ArrayDeque<FeedbackComment> comments;
    Map<String, MetricStat> metrics;

    static DDSketch newSketch() {
        return DDSketches.collapsingLowestDense(RELATIVE_ACCURACY, MAX_BINS);
    }

    void add(Event e) {
        if (e.userId() != null) {
            if (users == null) {
                users = new DistinctUsers();
            }
            users.add(userHash(e.userId()));
        }
        switch (e.type()) {
            case REQUEST -> {
                requests++;
                if (e.error()) {
                    errors++;
                }
                if (latency == null) {
                    latency = newSketch();
                }
                latency.accept(e.amount());
            }
            case SESSION -> {
                sessions++;
                sessionMsSum += e.amount();
                if (sessionMs == null) {
                    sessionMs = newSketch();
                }
                sessionMs.accept(e.amount());
            }
            case FEATURE_USED -> {
                if (features == null) {
                    features = new HashMap<>();
                }
                features.computeIfAbsent(e.feature(), f -> new long[1])[0]++;
            }
            case FEEDBACK -> {
                feedbackCount++;
                feedbackSum += e.rating();
                if (e.comment() != null && !e.comment().isEmpty()) {
                    addComment(new FeedbackComment(Instant.ofEpochMilli(e.timestamp()), e.userId(), e.rating(), e.comment()));
                }
            }
            case METRIC -> {
                if (metrics == null) {
                    metrics = new HashMap<>();
                }
                double v = e.amount();
                metrics.merge(e.name(), new MetricStat(1, v, v, v), MetricStat::plus);
            }
        }
    }

    private void addComment(FeedbackComment comment) {
        if (comments == null) {
            comments = new ArrayDeque<>();
        }
        comments.addLast(comment);
        while (comments.size() > MAX_COMMENTS) {
            comments.removeFirst();
        }
    }

    /** Adds everything in {@code other}, which is left unchanged. */
    void merge(Partial other) {
        requests += other.requests;
        errors += other.errors;
        if (other.latency != null && !other.latency.isEmpty()) {
            if (latency == null) {
                latency = newSketch();
            }
            latency.mergeWith(other.latency);
        }
        sessions += other.sessions;
        sessionMsSum += other.sessionMsSum;
        if (other.sessionMs != null && !other.sessionMs.isEmpty()) {
            if (sessionMs == null) {
                sessionMs = newSketch();
            }
            sessionMs.mergeWith(other.sessionMs);
        }
        if (other.users != null && !other.users.isEmpty()) {
            if (users == null) {
                users = other.users.copy();
            } else {
                users.merge(other.users);
            }
        }
        if (other.features != null) {
            if (features == null) {
                features = new HashMap<>();
            }
            other.features.forEach((f, n) -> features.computeIfAbsent(f, k -> new long[1])[0] += n[0]);
        }
        feedbackCount += other.feedbackCount;
        feedbackSum += other.feedbackSum;
        if (other.comments != null) {
            // Keep the newest by event time, whichever part they came from.
            ArrayDeque<FeedbackComment> all = new ArrayDeque<>();
            java.util.List<FeedbackComment> merged = new java.util.ArrayList<>();
            if (comments != null) {
                merged.addAll(comments);
            }
            merged.addAll(other.comments);
            merged.sort(java.util.Comparator.comparing(FeedbackComment::at));
            for (int i = Math.max(0, merged.size() - MAX_COMMENTS); i < merged.size(); i++) {
                all.addLast(merged.get(i));
            }
            comments = all;
        }
        if (other.metrics != null) {
            if (metrics == null) {
                metrics = new HashMap<>();
            }
            other.metrics.forEach((name, stat) -> metrics.merge(name, stat, MetricStat::plus));
        }
    }

    boolean isEmpty() {
        return requests == 0 && sessions == 0 && (users == null || users.isEmpty()) && (features == null || features.isEmpty())
                && feedbackCount == 0 && (metrics == null || metrics.isEmpty());
    }

    Partial copy() {
        Partial copy = new Partial();
        copy.merge(this);
        return copy;
    }

    /**
     * A stable 64-bit hash of a user id: the same on every node and after restarts, since HLL sketches of
     * different nodes and rows are merged. FNV-1a over the UTF-16 units, finished with murmur3's fmix64 so
     * similar ids spread; a long is all {@link DistinctUsers} needs.
     */
    static long userHash(String userId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0, n = userId.length(); i < n; i++) {
            h ^= userId.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
