package dev.phasegate.server.telemetry;

import dev.phasegate.core.gate.RolloutRules;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.config.Monitoring;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.rollout.RolloutRepository;
import dev.phasegate.server.sdk.RulesCache;
import dev.phasegate.server.store.Database;

import java.time.Clock;

/**
 * Telemetry on one node: ingest, in-memory rollups, their flushing and downsampling, the metrics route and
 * the meters. The one owner of all of it; start it once the store is open, close it before the store.
 *
 * <pre>{@code
 * Telemetry telemetry = Telemetry.start(db, rules, new RolloutRepository(), settings.monitoring(), clock, http, nodeId);
 * TelemetryView view = telemetry.view();        // for guards
 * telemetry.meters().bindTo(registry);          // for /metrics
 * }</pre>
 */
public final class Telemetry implements AutoCloseable {

    private final Rollups rollups;
    private final RollupJobs jobs;
    private final TelemetryMeters meters;
    private final RolloutMetrics totals;

    private Telemetry(Rollups rollups, RollupJobs jobs, TelemetryMeters meters, RolloutMetrics totals) {
        this.rollups = rollups;
        this.jobs = jobs;
        this.meters = meters;
        this.totals = totals;
    }

    /** Registers the routes on {@code http} (before it starts) and starts the flush and downsampling loops. */
    public static Telemetry start(Database db, RulesCache rules, RolloutRepository rollouts, Monitoring monitoring, Clock clock,
                                  HttpApi http, String nodeId) {
        Rollups rollups = new Rollups(clock, monitoring.memoryWindow());
        RollupStore store = new RollupStore();
        Ingestion ingestion = new Ingestion(rollups, rules::current, clock, monitoring);
        RollupJobs jobs = new RollupJobs(db, store, rollups, clock, monitoring.retention(), nodeId);
        TelemetryMeters meters = new TelemetryMeters(rollups, ingestion.counters, jobs, clock);
        RolloutMetrics metrics = new RolloutMetrics(db, store, rollups);
        TelemetryRoutes.register(http, ingestion, metrics, key -> {
            for (RolloutRules r : rules.current().snapshot().rollouts()) {
                if (r.key().equals(key)) {
                    return r;
                }
            }
            // Just created, not yet in the published rules: known, no phase data yet.
            if (db.withHandle(h -> rollouts.find(h, key)).isPresent()) {
                return null;
            }
            throw new PhasegateException.NotFound("no rollout '" + key + "'");
        }, clock);
        jobs.start();
        return new Telemetry(rollups, jobs, meters, metrics);
    }

    /** This node's recent telemetry, for guards. */
    public TelemetryView view() {
        return rollups;
    }

    /**
     * The view for guards when several nodes share the store: every node's flushed rows plus this node's
     * unflushed buckets (a store read per window). {@link #view()} is this node's memory only.
     */
    public TelemetryView mergedView() {
        return new MergedView(totals);
    }

    /**
     * One series' telemetry over [from, to) from every node's stored rows plus this node's unflushed data: for
     * spans longer than the in-memory window, such as "since the phase started". Reads the store.
     *
     * <pre>{@code
     * Aggregate phase = telemetry.total("trading-v2", Cohort.BETA, 2, phaseStartedAt, now);
     * }</pre>
     */
    public Aggregate total(String rollout, Cohort cohort, int phase, java.time.Instant from, java.time.Instant to) {
        return totals.total(rollout, cohort, phase, from, to);
    }

    /** As {@link #total(String, Cohort, int, java.time.Instant, java.time.Instant)}, summed over every phase of the cohort. */
    public Aggregate total(String rollout, Cohort cohort, java.time.Instant from, java.time.Instant to) {
        return totals.total(rollout, cohort, (Integer) null, from, to);
    }

    /** Calls {@code listener} after each run of downsampling and retention (every minute), on the telemetry thread. */
    public void onRetentionRun(java.util.function.Consumer<RetentionRun> listener) {
        jobs.retentionListeners.add(listener);
    }

    /** Runs downsampling and retention now, on the calling thread (tests; the loop runs it every minute). */
    public void runRetention() {
        jobs.maintenanceTick();
    }

    /** The meters to bind to the node's registry. */
    public TelemetryMeters meters() {
        return meters;
    }

    /** The id this node writes on its rollup rows (random per process). */
    /**
     * Whether this node downsamples and purges the stored rollups (the leader's job: several nodes doing it
     * would merge the same rows twice); flushing its own rollups goes on either way.
     */
    public void leadMaintenance(boolean leads) {
        jobs.leadsMaintenance = leads;
    }

    /** Writes every bucket's unflushed data to the store now (tests, shutdown); answers the rows written. */
    public int flushAll() {
        return jobs.flush(true);
    }

    /** Stops the loops and flushes everything; call before closing the store. */
    @Override
    public void close() {
        jobs.close();
    }
}
