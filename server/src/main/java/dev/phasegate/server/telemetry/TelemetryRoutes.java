package dev.phasegate.server.telemetry;

import dev.phasegate.core.gate.RolloutRules;
import dev.phasegate.core.plan.Problem;
import dev.phasegate.server.PhasegateException;
import dev.phasegate.server.http.HttpApi;
import dev.phasegate.server.http.Json;
import dev.phasegate.server.rollout.RolloutRoutes;
import dev.phasegate.server.token.Permission;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code POST /api/v1/events} and {@code GET /api/v1/rollouts/{key}/metrics}. */
final class TelemetryRoutes {

    /** Steps offered by default, smallest first; the first that gives at most {@link #DEFAULT_POINTS} points is used. */
    private static final List<Duration> DEFAULT_STEPS = List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1),
            Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(6), Duration.ofHours(12), Duration.ofDays(1));
    /** About one point per pixel pair of a chart; an hour at 10 s is exactly this. */
    static final int DEFAULT_POINTS = 360;
    /** More points than this are refused: no chart shows them, and each costs sketch merges. */
    static final int MAX_POINTS = 2_000;
    private static final Pattern STEP = Pattern.compile("(\\d{1,9})(s|m|h|d)");
    /** The shared mapper leaves nulls out; a chart needs them in ("no data" is not "zero"). */
    private static final com.fasterxml.jackson.databind.ObjectWriter WITH_NULLS = Json.MAPPER.copy()
            .setDefaultPropertyInclusion(com.fasterxml.jackson.annotation.JsonInclude.Value.construct(
                    com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS, com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS))
            .writer();

    private TelemetryRoutes() {
    }

    static void register(HttpApi http, Ingestion ingestion, RolloutMetrics metrics, Function<String, RolloutRules> rollout, Clock clock) {
        http.app().post("/api/v1/events", ctx -> {
            http.limitIngest(ctx);
            String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
            boolean ndjson = type.startsWith("application/x-ndjson");
            byte[] body = readBody(ctx);
            if (body.length == 0) {
                throw new PhasegateException.Malformed("the body is empty; expected a JSON array of events",
                        List.of(new Problem("", "body is empty")));
            }
            Ingestion.Result result = ingestion.ingest(body, body.length, ndjson);
            if (result.stored() == 0 && !result.rejected().isEmpty()) {
                everyEventRejected(ctx, result.rejected());
                return;
            }
            ctx.status(202).contentType("application/json").result(accepted(result));
        }, Permission.INGEST);

        http.app().get("/api/v1/rollouts/{key}/metrics", ctx -> {
            String key = RolloutRoutes.key(ctx);
            RolloutRules rules = rollout.apply(key);
            Instant to = instant(ctx, "to", clock.instant());
            Instant from = instant(ctx, "from", to.minus(Duration.ofHours(1)));
            if (!from.isBefore(to)) {
                throw new PhasegateException.Invalid(new Problem("from", "must be before to (" + to + "), was " + from));
            }
            Duration step = step(ctx.queryParam("step"), Duration.between(from, to));
            long stepMs = step.toMillis();
            long alignedFrom = Math.floorDiv(from.toEpochMilli(), stepMs) * stepMs;
            long alignedTo = Math.floorDiv(to.toEpochMilli() + stepMs - 1, stepMs) * stepMs;
            long points = (alignedTo - alignedFrom) / stepMs;
            if (points > MAX_POINTS) {
                throw new PhasegateException.Invalid(new Problem("step", "gives " + points + " points from " + from + " to " + to
                        + "; at most " + MAX_POINTS + " are served: use a larger step or a shorter range"));
            }
            ctx.contentType("application/json").result(WITH_NULLS.writeValueAsString(metrics.query(key,
                    Instant.ofEpochMilli(alignedFrom), Instant.ofEpochMilli(alignedTo), step, rules == null ? 0 : rules.currentPhase())));
        }, Permission.READ);
    }

    /** The body, refusing more than the batch limit before reading it when the length is declared. */
    private static byte[] readBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > EventParser.MAX_BYTES) {
            throw tooLarge(declared + " bytes");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(EventParser.MAX_BYTES + 1);
            if (bytes.length > EventParser.MAX_BYTES) {
                throw tooLarge("more than " + EventParser.MAX_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new PhasegateException.Malformed("the request body could not be read: " + e.getMessage(), List.of());
        }
    }

    private static PhasegateException tooLarge(String size) {
        return new PhasegateException.TooLarge(new Problem("", "the batch is " + size + "; at most 1 MiB (" + EventParser.MAX_BYTES
                + " bytes) is accepted per batch (nothing was stored)"));
    }

    private static String accepted(Ingestion.Result result) {
        StringBuilder sb = new StringBuilder(64 + result.rejected().size() * 96);
        sb.append("{\"stored\":").append(result.stored()).append(",\"rejected\":");
        sb.append(result.rejected().isEmpty() ? "[]" : Json.write(result.rejected()));
        return sb.append('}').toString();
    }

    /**
     * 422 with the problem document's usual members plus {@code errors}, the same list a 202 carries as
     * {@code rejected}; {@code problems} names each field with its index ({@code [3].latencyMs}).
     */
    private static void everyEventRejected(Context ctx, List<Rejection> rejected) {
        List<Problem> problems = new ArrayList<>();
        for (Rejection r : rejected) {
            problems.add(new Problem("[" + r.index() + "]" + (r.field().isEmpty() ? "" : "." + r.field()), r.detail()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://phasegate.dev/problems/invalid");
        body.put("title", "Invalid input");
        body.put("status", 422);
        body.put("detail", "every event of the batch was rejected (" + rejected.size() + "); nothing was stored. First: "
                + problems.get(0));
        body.put("instance", ctx.path());
        body.put("field", problems.get(0).field());
        body.put("problems", problems);
        body.put("errors", rejected);
        ctx.status(422).contentType("application/problem+json").result(Json.write(body));
    }

    private static Instant instant(Context ctx, String name, Instant fallback) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(raw).toInstant();
        } catch (DateTimeParseException e) {
            throw new PhasegateException.Invalid(new Problem(name, "must be an ISO-8601 timestamp with a zone, like 2025-01-31T12:00:00Z; was '"
                    + dev.phasegate.core.plan.Identifiers.printable(raw) + "'"));
        }
    }

    /** The step asked for ({@code 10s}, {@code 1m}, {@code 1h}, {@code 1d} or ISO-8601 {@code PT30S}), or one fitting the range. */
    static Duration step(String raw, Duration range) {
        if (raw == null || raw.isEmpty()) {
            for (Duration candidate : DEFAULT_STEPS) {
                if (range.toMillis() <= candidate.toMillis() * DEFAULT_POINTS) {
                    return candidate;
                }
            }
            long days = (range.toMillis() + DEFAULT_POINTS * 86_400_000L - 1) / (DEFAULT_POINTS * 86_400_000L);
            return Duration.ofDays(days);
        }
        Duration step;
        Matcher m = STEP.matcher(raw);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                step = switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } else {
                step = Duration.parse(raw);
            }
        } catch (DateTimeParseException e) {
            throw new PhasegateException.Invalid(new Problem("step", "must be a duration like 10s, 1m, 1h or 1d; was '"
                    + dev.phasegate.core.plan.Identifiers.printable(raw) + "'"));
        }
        if (step.isNegative() || step.isZero() || step.toMillis() % Rollups.BUCKET_MILLIS != 0) {
            throw new PhasegateException.Invalid(new Problem("step", "must be a positive multiple of 10s (the bucket length); was " + raw));
        }
        return step;
    }

    static String formatStep(Duration step) {
        long s = step.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
