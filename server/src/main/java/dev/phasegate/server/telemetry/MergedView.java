package dev.phasegate.server.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What guards read when several nodes share the store: windows and trend series sum every node's flushed
 * rows and this node's unflushed buckets, so the leader's guards see telemetry sent to any node (another
 * node's last few seconds arrive with its next flush, every 2 s).
 */
final class MergedView implements TelemetryView {

    private final RolloutMetrics totals;

    MergedView(RolloutMetrics totals) {
        this.totals = totals;
    }

    @Override
    public Aggregate window(String rollout, Cohort cohort, Integer phase, Instant from, Instant to) {
        return totals.total(rollout, cohort, phase, from, to);
    }

    @Override
    public List<TimedAggregate> series(String rollout, Cohort cohort, Integer phase, Instant from, Instant to, Duration step) {
        return totals.series(rollout, cohort, phase, from, to, step);
    }
}
