package dev.phasegate.server.action;

import java.time.Instant;

/**
 * One action as recorded and listed.
 *
 * <pre>{@code
 * actions.record(ActionRecord.of(ActionRecord.ADVANCE, "trading-v2", null, "every criterion met: ...")
 *         .ended(ActionResult.OK, "phase 1 (pilot) → phase 2 (early)", 12, readiness));
 * }</pre>
 *
 * @param id         store id, null until recorded
 * @param at         when it started
 * @param kind       what ran: {@code webhook}, {@code advance}, {@code maintenance.*}, ...
 * @param rollout    the rollout it was for, or null (store maintenance)
 * @param guard      the guard it was bound to, or null
 * @param why        what caused it, in a sentence with the numbers
 * @param result     ok, failed or skipped
 * @param detail     what came of it (HTTP status, error, rows, when a cooldown ends), or null
 * @param durationMs how long it took
 * @param data       what it saw or did, as a JSON-able value (a readiness report, a webhook's body), or null
 */
public record ActionRecord(Long id, Instant at, String kind, String rollout, String guard, String why,
                           ActionResult result, String detail, long durationMs, Object data) {

    public static final String WEBHOOK = "webhook";
    public static final String ADVANCE = "advance";
    public static final String ANALYZE = "maintenance.analyze";
    public static final String VACUUM = "maintenance.vacuum";
    public static final String COMPACT = "maintenance.compact";
    public static final String TELEMETRY_RETENTION = "maintenance.telemetry-retention";

    /** An action that has started: complete it with {@link #ended}. */
    public static ActionRecord of(Instant at, String kind, String rollout, String guard, String why) {
        return new ActionRecord(null, at, kind, rollout, guard, why, null, null, 0, null);
    }

    public ActionRecord ended(ActionResult outcome, String what, long tookMs, Object seen) {
        return new ActionRecord(id, at, kind, rollout, guard, why, outcome, what, tookMs, seen);
    }

    ActionRecord withId(long newId) {
        return new ActionRecord(newId, at, kind, rollout, guard, why, result, detail, durationMs, data);
    }
}
