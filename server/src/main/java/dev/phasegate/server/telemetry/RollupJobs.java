package dev.phasegate.server.telemetry;

import dev.phasegate.server.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The background work on rollups: flushing closed buckets to the store, evicting old ones from memory,
 * downsampling stored rows (10 s → 1 min after an hour, 1 min → 1 h after a day) and purging rows past
 * retention. Every tick catches, logs, counts and goes on; close flushes everything still in memory.
 */
final class RollupJobs implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RollupJobs.class);

    /** Closed buckets reach the store within this (plus the grace): dashboards of other nodes lag by as much. */
    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(2);
    /** Events of a bucket arriving just after it ends (clock skew, batching) still go in its first row. */
    static final long GRACE_MILLIS = 2_000;
    static final Duration DOWNSAMPLE_INTERVAL = Duration.ofMinutes(1);
    /** The tiers: 10 s rows for an hour, 1 min rows for a day, then 1 h rows until retention. */
    static final long TEN_SECOND_ROWS_FOR = Duration.ofHours(1).toMillis();
    static final long MINUTE_ROWS_FOR = Duration.ofHours(24).toMillis();
    /** Rows read per downsampling query, so a backlog is worked off in bounded steps. */
    static final int DOWNSAMPLE_BATCH = 5_000;

    /** Another node merged the same rows first: this merge is rolled back. */
    private static final class AlreadyMerged extends RuntimeException {
        AlreadyMerged() {
            super(null, null, false, false);
        }
    }

    private record Group(String rollout, Cohort cohort, int phase, long start) {
    }

    private final Database db;
    private final RollupStore store;
    private final Rollups rollups;
    private final Clock clock;
    private final Duration retention;
    private final String nodeId;
    private final ScheduledExecutorService worker;
    final AtomicLong flushFailures = new AtomicLong();
    final AtomicLong downsampleFailures = new AtomicLong();
    final AtomicLong rowsWritten = new AtomicLong();
    final List<java.util.function.Consumer<RetentionRun>> retentionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    RollupJobs(Database db, RollupStore store, Rollups rollups, Clock clock, Duration retention, String nodeId) {
        this.db = db;
        this.store = store;
        this.rollups = rollups;
        this.clock = clock;
        this.retention = retention;
        this.nodeId = nodeId;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "phasegate-telemetry");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        worker.scheduleWithFixedDelay(this::flushTick, FLUSH_INTERVAL.toMillis(), FLUSH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(this::scheduledMaintenanceTick, DOWNSAMPLE_INTERVAL.toMillis(), DOWNSAMPLE_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void flushTick() {
        try {
            flush(false);
            rollups.evict();
        } catch (RuntimeException e) {
            flushFailures.incrementAndGet();
            log.warn("flushing telemetry rollups failed (kept in memory, retried in {} s): {}", FLUSH_INTERVAL.toSeconds(), e.toString());
        }
    }

    /** Set by {@link Telemetry#leadMaintenance}: only the leader downsamples (a single node always does). */
    volatile boolean leadsMaintenance = true;

    void scheduledMaintenanceTick() {
        if (leadsMaintenance) {
            maintenanceTick();
        }
    }

    void maintenanceTick() {
        java.time.Instant startedAt = clock.instant();
        long started = System.nanoTime();
        int merged = 0;
        int purged = 0;
        String failure = null;
        try {
            merged = downsample();
            purged = purge();
        } catch (RuntimeException e) {
            downsampleFailures.incrementAndGet();
            failure = e.toString();
            log.warn("downsampling or purging telemetry rollups failed (retried in {} s): {}", DOWNSAMPLE_INTERVAL.toSeconds(), e.toString());
        }
        RetentionRun run = new RetentionRun(startedAt, (System.nanoTime() - started) / 1_000_000, merged, purged, failure);
        for (java.util.function.Consumer<RetentionRun> listener : retentionListeners) {
            try {
                listener.accept(run);
            } catch (RuntimeException e) {
                log.warn("a listener of telemetry retention runs failed: {}", e.toString());
            }
        }
    }

    /**
     * Writes the unflushed part of every bucket that ended more than the grace ago ({@code all}: of every
     * bucket) as one additive row each, in one transaction. Answers the rows written.
     */
    int flush(boolean all) {
        long now = clock.millis();
        rollups.storeLock.writeLock().lock();
        try {
            List<Bucket> taken = new ArrayList<>();
            List<Partial> parts = new ArrayList<>();
            for (Series s : rollups.allSeries()) {
                for (Bucket b : s.buckets.values()) {
                    if (all || b.start + Rollups.BUCKET_MILLIS + GRACE_MILLIS <= now) {
                        Partial p = b.takeForFlush();
                        if (p != null) {
                            taken.add(b);
                            parts.add(p);
                        }
                    }
                }
            }
            if (taken.isEmpty()) {
                return 0;
            }
            boolean written = false;
            try {
                db.inTransaction(h -> {
                    for (int i = 0; i < taken.size(); i++) {
                        Bucket b = taken.get(i);
                        store.insert(h, nodeId, 10, b.series.rollout, b.series.cohort, b.series.phase, b.start, parts.get(i), clock.instant());
                    }
                    return null;
                });
                written = true;
            } finally {
                for (Bucket b : taken) {
                    b.flushDone(written);
                }
            }
            rowsWritten.addAndGet(taken.size());
            return taken.size();
        } finally {
            rollups.storeLock.writeLock().unlock();
        }
    }

    /** Merges old rows into coarser ones; answers the merged rows written. */
    int downsample() {
        long now = clock.millis();
        return downsample(10, 60, now - TEN_SECOND_ROWS_FOR) + downsample(60, 3600, now - MINUTE_ROWS_FOR);
    }

    private int downsample(int fromResolution, int toResolution, long before) {
        long targetMillis = toResolution * 1000L;
        // Only whole target buckets that ended before the cut: a row merged now never straddles it.
        long cutoff = Math.floorDiv(before, targetMillis) * targetMillis;
        int merged = 0;
        while (true) {
            List<RollupStore.Row> rows = db.withHandle(h -> store.olderThan(h, fromResolution, cutoff, DOWNSAMPLE_BATCH));
            Map<Group, List<RollupStore.Row>> groups = new LinkedHashMap<>();
            for (RollupStore.Row row : rows) {
                groups.computeIfAbsent(new Group(row.rollout(), row.cohort(), row.phase(), Math.floorDiv(row.start(), targetMillis) * targetMillis),
                        g -> new ArrayList<>()).add(row);
            }
            for (Map.Entry<Group, List<RollupStore.Row>> entry : groups.entrySet()) {
                Group g = entry.getKey();
                Partial sum = new Partial();
                List<Long> ids = new ArrayList<>();
                for (RollupStore.Row row : entry.getValue()) {
                    sum.merge(row.data());
                    ids.add(row.id());
                }
                try {
                    db.inTransaction(h -> {
                        store.insert(h, nodeId, toResolution, g.rollout(), g.cohort(), g.phase(), g.start(), sum, clock.instant());
                        if (store.delete(h, ids) != ids.size()) {
                            throw new AlreadyMerged();
                        }
                        return null;
                    });
                    merged++;
                } catch (AlreadyMerged e) {
                    log.debug("rows of {} were merged by another node meanwhile", g);
                }
            }
            if (rows.size() < DOWNSAMPLE_BATCH) {
                return merged;
            }
        }
    }

    /** Deletes rows older than the retention; answers how many. */
    int purge() {
        long cutoff = clock.millis() - retention.toMillis();
        return db.withHandle(h -> store.purge(h, cutoff));
    }

    /** Stops the loops and writes everything still in memory. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flush(true);
        } catch (RuntimeException e) {
            flushFailures.incrementAndGet();
            log.error("the last flush of telemetry rollups at shutdown failed; unflushed telemetry is lost: {}", e.toString());
        }
    }
}
