package dev.phasegate.server.host;

import dev.phasegate.core.plan.Durations;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.token.Permission;
import io.javalin.http.Context;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/system/metrics?from=&to=&step=}: host samples averaged per step, from this node's
 * memory for the recent window and from the store for the rest (and for other nodes).
 */
public final class SystemMetricsRoutes {

    /** Prometheus refuses range queries of more than 11,000 points; the same bound keeps answers small. */
    static final long MAX_POINTS = 11_000;
    /** With no step given, the range is cut into this many steps (a minute each for the default hour). */
    static final long DEFAULT_STEPS = 60;
    static final Duration DEFAULT_RANGE = Duration.ofHours(1);

    private SystemMetricsRoutes() {
    }

    public static void register(HttpApi http, HostSampler sampler, Clock clock) {
        http.app().get("/api/v1/system/metrics", ctx -> ctx.json(answer(ctx, sampler, clock)), Permission.READ);
    }

    static Map<String, Object> answer(Context ctx, HostSampler sampler, Clock clock) {
        Instant to = instant(ctx, "to").orElseGet(clock::instant);
        Instant from = instant(ctx, "from").orElse(to.minus(DEFAULT_RANGE));
        if (!from.isBefore(to)) {
            throw new PhasegateException.Invalid(new Problem("from", "must be before to (" + to + "), was " + from));
        }
        Duration range = Duration.between(from, to);
        Duration step = step(ctx).orElseGet(() -> {
            long millis = Math.max(sampler.monitoring().hostSampleInterval().toMillis(), ceilDiv(range.toMillis(), DEFAULT_STEPS));
            return Duration.ofMillis(millis);
        });
        long points = ceilDiv(range.toMillis(), step.toMillis());
        if (points > MAX_POINTS) {
            throw new PhasegateException.Invalid(new Problem("step", "gives " + points + " points over " + range
                    + "; at most " + MAX_POINTS + " are answered: choose a step of at least "
                    + Duration.ofMillis(ceilDiv(range.toMillis(), MAX_POINTS))));
        }
        return points(sampler, from, to, step);
    }

    /**
     * Averages per step over [from, to): this node's samples from memory as far back as memory reaches, and
     * the store for older ones and for other nodes, so each sample counts once even if its write failed.
     */
    static Map<String, Object> points(HostSampler sampler, Instant from, Instant to, Duration step) {
        Bucketing buckets = new Bucketing(from, step);
        Instant ownSince = sampler.oldestInMemory().filter(o -> o.isBefore(to)).orElse(to);
        sampler.database().withHandle(h -> {
            sampler.store().sums(h, from, to, step.toMillis(), sampler.nodeId(), ownSince)
                    .forEach(b -> buckets.add(b.bucket(), b.samples(), b.sums()));
            return null;
        });
        for (HostSample s : sampler.window(from, to)) {
            if (s.at().isBefore(to)) {
                buckets.add(s);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", from);
        body.put("to", to);
        body.put("step", step.toString());
        body.put("points", buckets.points());
        return body;
    }

    private static Optional<Instant> instant(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(raw.strip()));
        } catch (DateTimeParseException e) {
            throw new PhasegateException.Invalid(new Problem(name, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z"));
        }
    }

    private static Optional<Duration> step(Context ctx) {
        String raw = ctx.queryParam("step");
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        Optional<Duration> step = Durations.parse(raw);
        if (step.isEmpty()) {
            try {
                step = Optional.of(Duration.parse(raw.strip()));
            } catch (DateTimeParseException e) {
                throw new PhasegateException.Invalid(new Problem("step", "must be a duration such as 30s, 5m, 1h or PT1M, was '" + raw + "'"));
            }
        }
        if (step.get().toMillis() < 1000) {
            throw new PhasegateException.Invalid(new Problem("step", "must be at least 1s, was '" + raw + "'"));
        }
        return step;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
