package dev.phasegate.server.telemetry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The buckets of one rollout × cohort × phase, by start (epoch ms). Series are never removed: there are
 * at most (phases + 1) per rollout, and their cumulative counters feed the meters.
 */
final class Series {

    final String rollout;
    final Cohort cohort;
    final int phase;
    final ConcurrentHashMap<Long, Bucket> buckets = new ConcurrentHashMap<>();
    /** Requests and errors ever counted on this node (for Prometheus counters). */
    final LongAdder requestsTotal = new LongAdder();
    final LongAdder errorsTotal = new LongAdder();
    /** The bucket most recently used: most events of a batch fall in it, sparing a map lookup. */
    private volatile Bucket latest;

    Series(String rollout, Cohort cohort, int phase) {
        this.rollout = rollout;
        this.cohort = cohort;
        this.phase = phase;
    }

    /** The live bucket starting at {@code start}, made if needed. */
    Bucket bucket(long start) {
        Bucket b = latest;
        if (b != null && b.start == start && !b.retired()) {
            return b;
        }
        b = buckets.computeIfAbsent(start, s -> new Bucket(this, s));
        latest = b;
        return b;
    }

    /** Drops a retired bucket from the map (only that very bucket, never a successor). */
    void forget(Bucket b) {
        buckets.remove(b.start, b);
    }

    @Override
    public String toString() {
        return rollout + "/" + cohort.wireName() + "/" + phase;
    }
}
