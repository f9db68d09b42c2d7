package dev.phasegate.server.action;

import dev.phasegate.core.plan.Durations;
import dev.phasegate.server.store.Database;
import dev.phasegate.server.telemetry.RetentionRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Store maintenance on a schedule, each step recorded as an action with its duration and result; a failing
 * step is recorded as failed and never stops the loop.
 *
 * <ul>
 *   <li>PostgreSQL: {@code ANALYZE} of the hot tables (fresh statistics keep the admission and lookup plans on
 *   their indexes), then {@code VACUUM (ANALYZE)} of the tables that churn (telemetry rollups, host samples,
 *   decisions, alerts, actions, outboxes: retention deletes rows in bulk). Autovacuum normally does this too;
 *   the record says whether it is on, and when it is off this run is what keeps those tables from bloating.</li>
 *   <li>H2: {@code ANALYZE}, and instead of compaction (H2 2.x has none online) a {@code CHECKPOINT}: it
 *   writes pending changes so the store's background writer can rewrite sparse chunks. Only {@code SHUTDOWN
 *   COMPACT} shrinks the file, and {@link Database#close} does not run it.</li>
 *   <li>Telemetry retention and downsampling run every minute in the telemetry package; their runs are recorded
 *   here (see {@link #recordRetention}).</li>
 * </ul>
 *
 * Also deletes actions older than the retention.
 */
public final class Maintenance implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);

    /**
     * Every six hours: four times a day keeps statistics within hours of the data (telemetry adds a row per
     * series every 10 s), while a VACUUM of a few tables costs seconds at most, so it never competes with traffic.
     */
    public static final Duration INTERVAL = Duration.ofHours(6);
    /** The first run soon after start, once the node serves: a restarted node does not wait six hours. */
    public static final Duration FIRST_RUN_AFTER = Duration.ofMinutes(1);
    /**
     * Downsampling changes rows every minute: one record per run would be 1,440 a day. A successful run is
     * recorded at most this often, with the totals since the last record; a failed one at once.
     */
    static final Duration RETENTION_RECORD_EVERY = Duration.ofHours(1);

    /** Read by every request or admission; statistics matter for their plans. */
    static final List<String> HOT_TABLES = List.of("rollout", "feature", "enrollment", "api_token", "audit_event");
    /** Rows deleted or updated in bulk (retention, state changes, the rules version's one row). */
    static final List<String> CHURNING_TABLES = List.of("telemetry_rollup", "host_sample", "guard_decision", "alert",
            "alert_event", "silence", "action_record", "rules_version");
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final Database db;
    private final ActionLog actions;
    private final Duration retention;
    private final Path h2File;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Counter failures;
    private final Object retentionLock = new Object();
    private Instant lastRetentionRecord;
    private int pendingRuns;
    private long pendingMerged;
    private long pendingPurged;
    private long pendingMs;

    /**
     * @param retention actions older than this are deleted
     * @param h2File    the embedded store's file, for its size in the record; null on PostgreSQL or when unknown
     * @param scheduler runs {@link #run()}; owned by this object from now on (closed with it)
     */
    public Maintenance(Database db, ActionLog actions, Duration retention, Path h2File, MeterRegistry meters, Clock clock,
                       ScheduledExecutorService scheduler) {
        this.db = db;
        this.actions = actions;
        this.retention = retention;
        this.h2File = h2File;
        this.clock = clock;
        this.scheduler = scheduler;
        this.failures = Counter.builder("phasegate.maintenance.failures")
                .description("store maintenance steps that failed (the loop goes on)").register(meters);
    }

    /** Runs {@link #run()} after {@link #FIRST_RUN_AFTER}, then every {@link #INTERVAL}. */
    public synchronized Maintenance start() {
        stop();
        task = scheduler.scheduleWithFixedDelay(this::runSafely, FIRST_RUN_AFTER.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Stops the schedule (the node no longer leads); a run under way finishes. {@link #start} starts it again. */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private java.util.concurrent.ScheduledFuture<?> task;

    private void runSafely() {
        try {
            run();
        } catch (RuntimeException e) {
            failures.increment();
            log.warn("store maintenance failed; it runs again in {}", Durations.format(INTERVAL), e);
        }
    }

    /** One maintenance run now, on the calling thread; answers the actions recorded. Never throws for a failed step. */
    public synchronized List<ActionRecord> run() {
        List<ActionRecord> recorded = new ArrayList<>();
        int purgedActions = 0;
        try {
            purgedActions = db.withHandle(h -> actions.purge(h, clock.instant().minus(retention)));
        } catch (RuntimeException e) {
            failures.increment();
            log.warn("deleting actions older than {} failed; the next run tries again", Durations.format(retention), e);
        }
        if (db.embedded()) {
            step(recorded, ActionRecord.ANALYZE, "scheduled store maintenance (every " + Durations.format(INTERVAL)
                    + "): fresh selectivity statistics for H2's planner", "ANALYZE", () -> "ANALYZE of every table (H2)");
            long before = fileSize();
            int purged = purgedActions;
            step(recorded, ActionRecord.COMPACT, "scheduled store maintenance (every " + Durations.format(INTERVAL)
                    + "): H2 2.x has no online compaction", "CHECKPOINT",
                    () -> "CHECKPOINT: pending changes written, so the background writer can rewrite sparse chunks; "
                            + "only SHUTDOWN COMPACT shrinks the file, and the store's close does not run it"
                            + sizes(before, fileSize()) + "; " + purged + " old action record(s) deleted");
        } else {
            postgres(recorded, purgedActions);
        }
        return recorded;
    }

    private void postgres(List<ActionRecord> recorded, int purgedActions) {
        Set<String> existing;
        String autovacuum;
        try {
            existing = db.withHandle(h -> new TreeSet<>(h.createQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'").mapTo(String.class).list()));
            autovacuum = db.withHandle(h -> h.createQuery("SHOW autovacuum").mapTo(String.class).one());
        } catch (RuntimeException e) {
            failures.increment();
            recorded.add(actions.record(ActionRecord.of(clock.instant(), ActionRecord.VACUUM, null, null,
                    "scheduled store maintenance").ended(ActionResult.FAILED, "cannot list the tables: " + e, 0, null)));
            return;
        }
        List<String> hot = HOT_TABLES.stream().filter(existing::contains).toList();
        List<String> churning = new ArrayList<>(CHURNING_TABLES.stream().filter(existing::contains).toList());
        // Outboxes of notifications (and any later one) churn by design: sent rows are deleted.
        existing.stream().filter(t -> t.contains("outbox") && !churning.contains(t)).forEach(churning::add);
        String auto = "autovacuum is " + autovacuum + (autovacuum.equals("on")
                ? ": this run complements it after retention's bulk deletes"
                : ": this run is what keeps these tables from bloating");
        runEach(recorded, ActionRecord.ANALYZE, "scheduled store maintenance (every " + Durations.format(INTERVAL)
                + "): fresh planner statistics for the hot tables", hot, "ANALYZE ", auto);
        runEach(recorded, ActionRecord.VACUUM, "scheduled store maintenance (every " + Durations.format(INTERVAL)
                + "): reclaim the space of deleted rows in the tables that churn", churning, "VACUUM (ANALYZE) ",
                auto + "; " + purgedActions + " old action record(s) deleted");
    }

    /** One statement per table (VACUUM cannot run in a transaction), one record for all of them. */
    private void runEach(List<ActionRecord> recorded, String kind, String why, List<String> tables, String statement, String note) {
        Instant at = clock.instant();
        long start = System.nanoTime();
        Map<String, Object> perTable = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (String table : tables) {
            if (!TABLE.matcher(table).matches()) {
                continue;
            }
            long t0 = System.nanoTime();
            try {
                db.withHandle(h -> {
                    h.execute(statement + table);
                    return null;
                });
                perTable.put(table, Map.of("ms", (System.nanoTime() - t0) / 1_000_000));
            } catch (RuntimeException e) {
                failures.increment();
                failed.add(table);
                perTable.put(table, Map.of("error", e.toString()));
                log.warn("{}{} failed", statement, table, e);
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        String detail = statement.trim() + " of " + (tables.size() - failed.size()) + " table(s): " + String.join(", ", tables)
                + (failed.isEmpty() ? "" : "; failed: " + String.join(", ", failed)) + "; " + note;
        recorded.add(actions.record(ActionRecord.of(at, kind, null, null, why)
                .ended(failed.isEmpty() ? ActionResult.OK : ActionResult.FAILED, detail, ms, Map.of("tables", perTable))));
    }

    /** Runs one statement as one recorded step; a failure is recorded as failed. */
    private void step(List<ActionRecord> recorded, String kind, String why, String statement,
                      java.util.function.Supplier<String> describe) {
        Instant at = clock.instant();
        long start = System.nanoTime();
        ActionRecord action;
        try {
            db.withHandle(h -> {
                h.execute(statement);
                return null;
            });
            action = ActionRecord.of(at, kind, null, null, why)
                    .ended(ActionResult.OK, describe.get(), (System.nanoTime() - start) / 1_000_000, null);
        } catch (RuntimeException e) {
            failures.increment();
            log.warn("store maintenance step {} failed", statement, e);
            action = ActionRecord.of(at, kind, null, null, why)
                    .ended(ActionResult.FAILED, statement + " failed: " + e, (System.nanoTime() - start) / 1_000_000, null);
        }
        try {
            recorded.add(actions.record(action));
        } catch (RuntimeException e) {
            log.warn("the maintenance step {} could not be recorded", statement, e);
        }
    }

    /**
     * Records telemetry retention runs (a listener of {@code Telemetry.onRetentionRun}): failures at once,
     * successful runs that changed something at most every {@link #RETENTION_RECORD_EVERY}, with the totals since
     * the last record.
     */
    public void recordRetention(RetentionRun run) {
        ActionRecord record;
        synchronized (retentionLock) {
            if (run.failure() != null) {
                record = ActionRecord.of(run.at(), ActionRecord.TELEMETRY_RETENTION, null, null,
                        "telemetry downsampling (10 s → 1 min after 1 h, 1 min → 1 h after 1 d) and retention")
                        .ended(ActionResult.FAILED, run.failure(), run.durationMs(), null);
            } else {
                if (!run.changedSomething()) {
                    return;
                }
                pendingRuns++;
                pendingMerged += run.merged();
                pendingPurged += run.purged();
                pendingMs += run.durationMs();
                if (lastRetentionRecord != null && run.at().isBefore(lastRetentionRecord.plus(RETENTION_RECORD_EVERY))) {
                    return;
                }
                record = ActionRecord.of(run.at(), ActionRecord.TELEMETRY_RETENTION, null, null,
                        "telemetry downsampling (10 s → 1 min after 1 h, 1 min → 1 h after 1 d) and retention (every minute)")
                        .ended(ActionResult.OK, pendingRuns + " run(s) since the last record: " + pendingMerged
                                + " downsampled row(s) written, " + pendingPurged + " row(s) past retention deleted", pendingMs,
                                Map.of("runs", pendingRuns, "merged", pendingMerged, "purged", pendingPurged));
                lastRetentionRecord = run.at();
                pendingRuns = 0;
                pendingMerged = 0;
                pendingPurged = 0;
                pendingMs = 0;
            }
        }
        actions.record(record);
    }

    private long fileSize() {
        try {
            return h2File == null || !Files.exists(h2File) ? -1 : Files.size(h2File);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static String sizes(long before, long after) {
        return before < 0 ? "" : "; file " + before / 1024 + " KiB before, " + after / 1024 + " KiB after";
    }

    /** Stops the schedule; a run in progress finishes its statement. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
