package dev.phasegate.server.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What guards read when several nodes share the store: windows sum every node's flushed rows and this
 * node's unflushed buckets, so the leader's guards see telemetry sent to any node (another node's last few
 * seconds arrive with its next flush, every 2 s). Trend series stay this node's own, from memory.
 */
final class MergedView implements TelemetryView {

    private final RolloutMetrics totals;
    private final TelemetryView local;

    MergedView(RolloutMetrics totals, TelemetryView local) {
        this.totals = totals;
        this.local = local;
    }

    @Override
    public Aggregate window(String rollout, Cohort cohort, Integer phase, Instant from, Instant to) {
        return totals.total(rollout, cohort, phase, from, to);
    }

    @Override
    public List<TimedAggregate> series(String rollout, Cohort cohort, Integer phase, Instant from, Instant to, Duration step) {
        return local.series(rollout, cohort, phase, from, to, step);
    }
}
