package dev.phasegate.server.telemetry;

import com.datadoghq.sketch.ddsketch.DDSketch;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable merged copy of the telemetry of some buckets: what a guard or a dashboard point reads.
 *
 * <pre>{@code
 * Aggregate a = view.window("trading-v2", Cohort.CONTROL, null, from, to);
 * if (a.requests() > 100 && a.errorRatePercent() > 2.0) { ... }
 * }</pre>
 */
public final class Aggregate {

    static final Aggregate EMPTY = new Aggregate(new Partial());

    /** Owned: nobody else holds a reference, so nothing changes it after construction. */
    private final Partial data;

    Aggregate(Partial owned) {
        this.data = owned;
    }

    public long requests() {
        return data.requests;
    }

    public long errors() {
        return data.errors;
    }

    /** Errors per 100 requests; NaN when there were no requests. */
    public double errorRatePercent() {
        return data.requests == 0 ? Double.NaN : 100.0 * data.errors / data.requests;
    }

    /** The request latency sketch in milliseconds: a copy; empty when there were no requests. */
    public DDSketch latencyMs() {
        return data.latency == null ? Partial.newSketch() : data.latency.copy();
    }

    /** The latency at {@code quantile} (0–1) in milliseconds, within 1 % of the true value; NaN when empty. */
    public double latencyMs(double quantile) {
        if (data.latency == null || data.latency.isEmpty()) {
            return Double.NaN;
        }
        return data.latency.getValueAtQuantile(quantile);
    }

    public long sessions() {
        return data.sessions;
    }

    /** Mean session length in seconds; NaN when there were no sessions. */
    public double sessionSecondsAverage() {
        return data.sessions == 0 ? Double.NaN : data.sessionMsSum / data.sessions / 1000.0;
    }

    /** Distinct user ids seen (exact up to 512, then a HyperLogLog estimate with about 1.6 % standard error). */
    public long distinctUsers() {
        return data.users == null ? 0 : Math.round(data.users.estimate());
    }

    public long feedbackCount() {
        return data.feedbackCount;
    }

    /** Mean rating 1–5; NaN when there was no feedback. */
    public double feedbackAverage() {
        return data.feedbackCount == 0 ? Double.NaN : (double) data.feedbackSum / data.feedbackCount;
    }

    /** Uses per feature key, sorted by key. */
    public Map<String, Long> featureUsage() {
        TreeMap<String, Long> usage = new TreeMap<>();
        if (data.features != null) {
            data.features.forEach((f, n) -> usage.put(f, n[0]));
        }
        return java.util.Collections.unmodifiableMap(usage);
    }

    /** A custom metric's count, sum, min and max, or empty when it was not reported. */
    public Optional<MetricStat> metric(String name) {
        return data.metrics == null ? Optional.empty() : Optional.ofNullable(data.metrics.get(name));
    }

    /** Names of the custom metrics reported, sorted. */
    public java.util.Set<String> metricNames() {
        return data.metrics == null ? java.util.Set.of() : java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(data.metrics.keySet()));
    }

    /** The newest feedback comments (oldest first), at most 20 per 10 s bucket merged in. */
    public List<FeedbackComment> comments() {
        return data.comments == null ? List.of() : List.copyOf(data.comments);
    }

    @Override
    public String toString() {
        return "Aggregate[requests=" + requests() + ", errors=" + errors() + ", sessions=" + sessions() + ", users="
                + distinctUsers() + ", feedback=" + feedbackCount() + "]";
    }
}
