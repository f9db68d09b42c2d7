package dev.phasegate.server.telemetry;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * Telemetry meters for the node's registry: ingest counts (events stored, rejected by field, batches),
 * flush and downsampling failures, and per rollout × cohort × phase the requests and errors counted and the
 * last minute's p95 latency, error rate and active users. Labels are only rollout, cohort, phase and the
 * fixed rejection reasons, so their number grows with rollouts and phases, never with users or events.
 *
 * <pre>{@code
 * telemetry.meters().bindTo(prometheusRegistry);
 * }</pre>
 */
public final class TelemetryMeters implements MeterBinder {

    private final Rollups rollups;
    private final IngestCounters counters;
    private final RollupJobs jobs;
    private final Clock clock;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    TelemetryMeters(Rollups rollups, IngestCounters counters, RollupJobs jobs, Clock clock) {
        this.rollups = rollups;
        this.counters = counters;
        this.jobs = jobs;
        this.clock = clock;
        rollups.onNewSeries(series -> registries.forEach(r -> bindSeries(r, series)));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(registry);
        FunctionCounter.builder("phasegate.telemetry.events.stored", counters.stored, LongAdder::sum)
                .description("Telemetry events stored (counted in rollups)").register(registry);
        counters.rejected.forEach((reason, adder) -> FunctionCounter.builder("phasegate.telemetry.events.rejected", adder, LongAdder::sum)
                .description("Telemetry events rejected, by the field at fault").tag("reason", reason).register(registry));
        FunctionCounter.builder("phasegate.telemetry.batches", counters.batches, LongAdder::sum)
                .description("Event batches read (202 or 422)").tag("outcome", "read").register(registry);
        FunctionCounter.builder("phasegate.telemetry.batches", counters.batchesRefused, LongAdder::sum)
                .description("Event batches refused whole (malformed or too large)").tag("outcome", "refused").register(registry);
        FunctionCounter.builder("phasegate.telemetry.flush.failures", jobs.flushFailures, Number::doubleValue)
                .description("Failed flushes of rollups to the store").register(registry);
        FunctionCounter.builder("phasegate.telemetry.downsample.failures", jobs.downsampleFailures, Number::doubleValue)
                .description("Failed downsampling or purge runs").register(registry);
        FunctionCounter.builder("phasegate.telemetry.rollup.rows.written", jobs.rowsWritten, Number::doubleValue)
                .description("Rollup rows flushed to the store").register(registry);
        Gauge.builder("phasegate.telemetry.buckets", rollups, Rollups::bucketCount)
                .description("10 s buckets held in memory").register(registry);
        for (Series series : rollups.allSeries()) {
            bindSeries(registry, series);
        }
    }

    private void bindSeries(MeterRegistry registry, Series s) {
        Tags tags = Tags.of("rollout", s.rollout, "cohort", s.cohort.wireName(), "phase", String.valueOf(s.phase));
        FunctionCounter.builder("phasegate.telemetry.requests", s.requestsTotal, LongAdder::sum).tags(tags)
                .description("Requests reported by applications").register(registry);
        FunctionCounter.builder("phasegate.telemetry.errors", s.errorsTotal, LongAdder::sum).tags(tags)
                .description("Failed requests reported by applications").register(registry);
        Gauge.builder("phasegate.telemetry.latency.p95.last.minute", s, x -> lastMinute(x).latencyMs(0.95)).tags(tags)
                .baseUnit("milliseconds").description("p95 request latency over the last minute (NaN without requests)").register(registry);
        Gauge.builder("phasegate.telemetry.error.rate.last.minute", s, x -> lastMinute(x).errorRatePercent()).tags(tags)
                .baseUnit("percent").description("Errors per 100 requests over the last minute (NaN without requests)").register(registry);
        Gauge.builder("phasegate.telemetry.active.users.last.minute", s, x -> lastMinute(x).distinctUsers()).tags(tags)
                .description("Distinct users seen over the last minute").register(registry);
    }

    private Aggregate lastMinute(Series s) {
        Instant now = clock.instant();
        return rollups.window(s.rollout, s.cohort, s.phase, now.minusSeconds(60), now.plusSeconds(10));
    }
}
