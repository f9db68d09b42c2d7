package dev.phasegate.server.runbook;

import dev.phasegate.server.audit.AuditLog;
import dev.phasegate.server.guard.DecisionLog;
import dev.phasegate.server.telemetry.Aggregate;
import dev.phasegate.server.telemetry.Cohort;
import dev.phasegate.server.telemetry.TelemetryView;
import org.jdbi.v3.core.Handle;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The snapshot an incident opens with: the guards' latest decisions, each cohort's metrics around the
 * breach, and the rollout's recent changes from the audit log.
 */
public final class Diagnostics {

    /** Five minutes before the snapshot: the breach and what led to it, in 10 s buckets. */
    private static final Duration AROUND = Duration.ofMinutes(5);
    /** The last twenty changes: enough to spot the deploy or plan change that preceded a breach. */
    private static final int RECENT_CHANGES = 20;

    private final DecisionLog decisions;
    private final TelemetryView telemetry;
    private final AuditLog audit;

    public Diagnostics(DecisionLog decisions, TelemetryView telemetry, AuditLog audit) {
        this.decisions = decisions;
        this.telemetry = telemetry;
        this.audit = audit;
    }

    Map<String, Object> snapshot(Handle h, RunContext ctx) {
        String rollout = ctx.run().rollout();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("takenAt", ctx.now());
        out.put("trigger", Map.of("by", ctx.run().trigger(), "actor", ctx.run().actor(), "reason", ctx.run().reason()));
        if (ctx.run().basis() != null && !ctx.run().basis().isEmpty()) {
            out.put("basis", ctx.run().basis());
        }
        out.put("guards", decisions.latest(rollout));
        Instant from = ctx.now().minus(AROUND);
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (Cohort cohort : Cohort.values()) {
            metrics.put(cohort.wireName(), figures(telemetry.window(rollout, cohort, null, from, ctx.now())));
        }
        out.put("metrics", Map.of("from", from, "to", ctx.now(), "cohorts", metrics));
        out.put("recentChanges", audit.list(h, rollout, null, RECENT_CHANGES));
        return out;
    }

    private static Map<String, Object> figures(Aggregate a) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("requests", a.requests());
        f.put("errors", a.errors());
        if (a.requests() > 0) {
            f.put("errorRatePercent", a.errorRatePercent());
            f.put("p50Ms", a.latencyMs(0.50));
            f.put("p95Ms", a.latencyMs(0.95));
            f.put("p99Ms", a.latencyMs(0.99));
        }
        f.put("activeUsers", a.distinctUsers());
        return f;
    }
}
