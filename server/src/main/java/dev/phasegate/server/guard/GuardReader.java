package dev.phasegate.server.guard;

import dev.phasegate.core.plan.Guard;
import dev.phasegate.core.plan.GuardMetric;
import dev.phasegate.core.plan.GuardScope;
import dev.phasegate.server.host.HostSample;
import dev.phasegate.server.host.HostView;
import dev.phasegate.server.judge.Forecast;
import dev.phasegate.server.judge.ProportionJudge;
import dev.phasegate.server.judge.TailJudge;
import dev.phasegate.server.judge.TrendForecaster;
import dev.phasegate.server.judge.Verdict;
import dev.phasegate.server.prometheus.PromResult;
import dev.phasegate.server.prometheus.PrometheusQuery;
import dev.phasegate.server.telemetry.Aggregate;
import dev.phasegate.server.telemetry.Cohort;
import dev.phasegate.server.telemetry.MetricStat;
import dev.phasegate.server.telemetry.TelemetryView;
import dev.phasegate.server.telemetry.TimedAggregate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Reads what a guard watches from its source: the cohort's telemetry window, the host samples, or a
 * PromQL query; and hands comparisons and trends to the statistical judge.
 */
public final class GuardReader {

    /** Trends are fitted on 10 s points: the telemetry bucket. */
    private static final Duration TREND_STEP = Duration.ofSeconds(10);
    /** A forecast needs a line that explains most of the variation: below R² 0.6 it is guesswork. */
    private static final double MIN_R_SQUARED = 0.6;
    /** A 90 % prediction interval: a warning, not an action, so a tighter interval would be overcautious. */
    private static final double PREDICTION_CONFIDENCE = 0.9;

    private final TelemetryView telemetry;
    private final HostView host;
    private final PrometheusQuery prometheus;

    /** @param prometheus null when no Prometheus server is configured */
    public GuardReader(TelemetryView telemetry, HostView host, PrometheusQuery prometheus) {
        this.telemetry = telemetry;
        this.host = host;
        this.prometheus = prometheus;
    }

    Reading read(String rollout, Guard guard, Instant from, Instant to) {
        GuardMetric metric = guard.metric();
        if (metric == GuardMetric.PROMQL) {
            return promql(guard, to);
        }
        if (metric.host()) {
            List<HostSample> samples = host.window(from, to);
            if (samples.isEmpty()) {
                return Reading.empty("no host samples yet");
            }
            double avg = samples.stream().mapToDouble(hostValue(metric)).average().orElse(Double.NaN);
            double max = samples.stream().mapToDouble(hostValue(metric)).max().orElse(Double.NaN);
            return Reading.of(avg, samples.size(), Map.of("average", avg, "max", max));
        }
        if (metric == GuardMetric.CUSTOM) {
            return customMetric(rollout, guard, from, to)
                    .map(m -> Reading.of(m.average(), m.count(), Map.<String, Object>of("average", m.average(),
                            "min", m.min(), "max", m.max(), "count", m.count())))
                    .orElseGet(() -> Reading.empty("no '" + guard.metricName() + "' metric events in the window"));
        }
        Aggregate a = telemetry.window(rollout, cohort(guard), guard.phase(), from, to);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("requests", a.requests());
        figures.put("errors", a.errors());
        if (a.requests() > 0) {
            figures.put("errorRatePercent", a.errorRatePercent());
            figures.put("p50Ms", a.latencyMs(0.50));
            figures.put("p95Ms", a.latencyMs(0.95));
            figures.put("p99Ms", a.latencyMs(0.99));
        }
        double value = metricValue(metric, a);
        return new Reading(value, a.requests(), figures, null);
    }

    Comparison compare(String rollout, Guard guard, Instant from, Instant to) {
        Aggregate beta = telemetry.window(rollout, Cohort.BETA, guard.phase(), from, to);
        Aggregate control = telemetry.window(rollout, Cohort.CONTROL, null, from, to);
        double warning = guard.warning() / 100;
        double critical = guard.critical() / 100;
        Map<String, Object> figures = new LinkedHashMap<>();
        Verdict v;
        if (guard.metric() == GuardMetric.ERROR_RATE_PERCENT) {
            v = new ProportionJudge(warning, critical, guard.minSamples())
                    .judge(beta.errors(), beta.requests(), control.errors(), control.requests());
            figures.put("betaErrors", beta.errors());
            figures.put("controlErrors", control.errors());
            figures.put("betaErrorRatePercent", beta.errorRatePercent());
            figures.put("controlErrorRatePercent", control.errorRatePercent());
        } else {
            v = new TailJudge(warning, critical, guard.minSamples()).judge(beta.latencyMs(), control.latencyMs());
            for (double q : new double[]{0.5, 0.95, 0.99}) {
                String name = "p" + Math.round(q * 100);
                figures.put("beta" + name.toUpperCase() + "Ms", beta.latencyMs(q));
                figures.put("control" + name.toUpperCase() + "Ms", control.latencyMs(q));
            }
        }
        figures.put("statistic", v.statistic());
        figures.put("confidence", v.confidence());
        return new Comparison(v.outcome(), v.estimate(), v.lower(), v.upper(), v.betaSamples(), v.controlSamples(),
                figures, v.explanation());
    }

    TrendReading trend(String rollout, Guard guard, Instant from, Instant to) {
        List<double[]> points = new ArrayList<>();
        GuardMetric metric = guard.metric();
        if (metric == GuardMetric.PROMQL) {
            return TrendReading.failed("trend guards read telemetry or host metrics, not PromQL");
        }
        if (metric.host()) {
            for (HostSample s : host.window(from, to)) {
                points.add(new double[]{secondsBefore(s.at(), to), hostValue(metric).applyAsDouble(s)});
            }
        } else {
            for (TimedAggregate t : telemetry.series(rollout, cohort(guard), guard.phase(), from, to, TREND_STEP)) {
                double value = metric == GuardMetric.CUSTOM
                        ? t.aggregate().metric(guard.metricName()).map(MetricStat::average).orElse(Double.NaN)
                        : metricValue(metric, t.aggregate());
                if (Double.isFinite(value)) {
                    // A bucket is stamped at its middle, so a fit over buckets is not biased by half a step.
                    points.add(new double[]{secondsBefore(t.start().plus(TREND_STEP.dividedBy(2)), to), value});
                }
            }
        }
        double[] ago = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] values = points.stream().mapToDouble(p -> p[1]).toArray();
        Forecast f = new TrendForecaster(guard.horizon(), guard.minSamples(), MIN_R_SQUARED, PREDICTION_CONFIDENCE)
                .forecast(ago, values, guard.critical());
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("slopePerMinute", f.slopePerMinute());
        figures.put("rSquared", f.rSquared());
        figures.put("horizonSeconds", guard.horizon().toSeconds());
        if (f.timeToCross() != null) {
            figures.put("timeToCrossSeconds", f.timeToCross().toSeconds());
        }
        return new TrendReading(f.outcome(), f.samples(), f.predicted(), f.lower(), f.upper(), figures, f.explanation(), null);
    }

    /** Scope system reads the application's metric events of both cohorts (most such metrics name no user). */
    private Optional<MetricStat> customMetric(String rollout, Guard guard, Instant from, Instant to) {
        if (guard.scope() != GuardScope.SYSTEM) {
            return telemetry.window(rollout, cohort(guard), guard.phase(), from, to).metric(guard.metricName());
        }
        Optional<MetricStat> beta = telemetry.window(rollout, Cohort.BETA, null, from, to).metric(guard.metricName());
        Optional<MetricStat> control = telemetry.window(rollout, Cohort.CONTROL, null, from, to).metric(guard.metricName());
        if (beta.isEmpty() || control.isEmpty()) {
            return beta.isPresent() ? beta : control;
        }
        MetricStat b = beta.get();
        MetricStat c = control.get();
        return Optional.of(new MetricStat(b.count() + c.count(), b.sum() + c.sum(), Math.min(b.min(), c.min()),
                Math.max(b.max(), c.max())));
    }

    private Reading promql(Guard guard, Instant at) {
        if (prometheus == null) {
            return Reading.failed("no Prometheus server is configured (set prometheusUrl)");
        }
        PromResult r = prometheus.query(guard.query(), at);
        return switch (r) {
            case PromResult.Value v -> Reading.of(v.value(), 1, Map.of("query", guard.query()));
            case PromResult.NoData n -> Reading.empty(n.why());
            case PromResult.Failure f -> Reading.failed(f.reason());
        };
    }

    private static double metricValue(GuardMetric metric, Aggregate a) {
        if (a.requests() == 0) {
            return Double.NaN;
        }
        return switch (metric) {
            case ERROR_RATE_PERCENT -> a.errorRatePercent();
            case P50_LATENCY_SECONDS -> a.latencyMs(0.50) / 1000;
            case P95_LATENCY_SECONDS -> a.latencyMs(0.95) / 1000;
            case P99_LATENCY_SECONDS -> a.latencyMs(0.99) / 1000;
            default -> throw new IllegalArgumentException(metric + " is not a telemetry metric");
        };
    }

    private static ToDoubleFunction<HostSample> hostValue(GuardMetric metric) {
        return switch (metric) {
            case CPU_PERCENT -> HostSample::systemCpuPercent;
            case MEMORY_PERCENT -> HostSample::memoryUsedPercent;
            case DISK_PERCENT -> HostSample::diskUsedPercent;
            default -> throw new IllegalArgumentException(metric + " is not a host metric");
        };
    }

    private static Cohort cohort(Guard guard) {
        return guard.scope() == GuardScope.CONTROL ? Cohort.CONTROL : Cohort.BETA;
    }

    private static double secondsBefore(Instant at, Instant now) {
        return (at.toEpochMilli() - now.toEpochMilli()) / 1000.0;
    }
}
