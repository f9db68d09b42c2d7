package dev.phasegate.server.telemetry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * This node's in-memory telemetry: fixed 10 s buckets per rollout × cohort × phase, kept for the memory
 * window after they are flushed. The one owner of the buckets; guards read it through {@link TelemetryView}.
 */
final class Rollups implements TelemetryView {

    /** The bucket length. Buckets start at multiples of it since the epoch, on every node. */
    static final long BUCKET_MILLIS = 10_000;

    private record SeriesKey(String rollout, Cohort cohort, int phase) {
    }

    private final ConcurrentHashMap<SeriesKey, Series> series = new ConcurrentHashMap<>();
    private final List<Consumer<Series>> seriesListeners = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private final Duration memoryWindow;
    /**
     * Write-held by the flusher from taking a bucket's unflushed part until the row is committed, read-held by
     * readers that combine store rows with unflushed memory: so they see each event exactly once.
     */
    final ReentrantReadWriteLock storeLock = new ReentrantReadWriteLock();

    Rollups(Clock clock, Duration memoryWindow) {
        this.clock = clock;
        this.memoryWindow = memoryWindow;
    }

    static long bucketStart(long millis) {
        return Math.floorDiv(millis, BUCKET_MILLIS) * BUCKET_MILLIS;
    }

    Series series(String rollout, Cohort cohort, int phase) {
        SeriesKey key = new SeriesKey(rollout, cohort, phase);
        Series s = series.get(key);
        if (s != null) {
            return s;
        }
        boolean[] made = new boolean[1];
        s = series.computeIfAbsent(key, k -> {
            made[0] = true;
            return new Series(rollout, cohort, phase);
        });
        if (made[0]) {
            for (Consumer<Series> listener : seriesListeners) {
                listener.accept(s);
            }
        }
        return s;
    }

    /** Calls {@code listener} with every series made from now on (meters register per series). */
    void onNewSeries(Consumer<Series> listener) {
        seriesListeners.add(listener);
    }

    Collection<Series> allSeries() {
        return series.values();
    }

    /** Adds events grouped by bucket, taking each bucket's lock once. */
    void record(IdentityHashMap<Bucket, List<Event>> grouped) {
        for (Map.Entry<Bucket, List<Event>> entry : grouped.entrySet()) {
            Bucket bucket = entry.getKey();
            while (!bucket.add(entry.getValue())) {
                // Retired by eviction between lookup and lock: a late event for a bucket already out of memory.
                bucket = bucket.series.bucket(bucket.start);
            }
        }
    }

    @Override
    public Aggregate window(String rollout, Cohort cohort, Integer phase, Instant from, Instant to) {
        Partial sum = new Partial();
        long fromMs = from.toEpochMilli();
        long toMs = to.toEpochMilli();
        for (Series s : matching(rollout, cohort, phase)) {
            for (Bucket b : s.buckets.values()) {
                if (b.start >= fromMs && b.start < toMs) {
                    b.mergeAllInto(sum);
                }
            }
        }
        return new Aggregate(sum);
    }

    @Override
    public List<TimedAggregate> series(String rollout, Cohort cohort, Integer phase, Instant from, Instant to, Duration step) {
        long stepMs = step.toMillis();
        if (stepMs <= 0 || stepMs % BUCKET_MILLIS != 0) {
            throw new IllegalArgumentException("step must be a positive multiple of 10 s, was " + step);
        }
        long fromMs = from.toEpochMilli();
        long toMs = to.toEpochMilli();
        int steps = (int) Math.max(0, (toMs - fromMs + stepMs - 1) / stepMs);
        Partial[] parts = new Partial[steps];
        for (int i = 0; i < steps; i++) {
            parts[i] = new Partial();
        }
        for (Series s : matching(rollout, cohort, phase)) {
            for (Bucket b : s.buckets.values()) {
                if (b.start >= fromMs && b.start < toMs) {
                    b.mergeAllInto(parts[(int) ((b.start - fromMs) / stepMs)]);
                }
            }
        }
        List<TimedAggregate> result = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            result.add(new TimedAggregate(Instant.ofEpochMilli(fromMs + i * stepMs), new Aggregate(parts[i])));
        }
        return result;
    }

    private List<Series> matching(String rollout, Cohort cohort, Integer phase) {
        List<Series> result = new ArrayList<>();
        for (Series s : series.values()) {
            if (s.rollout.equals(rollout) && (cohort == null || s.cohort == cohort) && (phase == null || s.phase == phase)) {
                result.add(s);
            }
        }
        return result;
    }

    /** Every series of a rollout. */
    List<Series> seriesOf(String rollout) {
        return matching(rollout, null, null);
    }

    /**
     * Drops buckets that ended before the memory window and are fully stored. Buckets still holding
     * unflushed data stay until a flush succeeds, so a store outage loses nothing that fits in memory.
     */
    int evict() {
        long oldestKept = clock.millis() - memoryWindow.toMillis() - BUCKET_MILLIS;
        int evicted = 0;
        for (Series s : series.values()) {
            for (Bucket b : s.buckets.values()) {
                if (b.start < oldestKept && b.retireIfStored()) {
                    s.forget(b);
                    evicted++;
                }
            }
        }
        return evicted;
    }

    int bucketCount() {
        int n = 0;
        for (Series s : series.values()) {
            n += s.buckets.size();
        }
        return n;
    }
}
