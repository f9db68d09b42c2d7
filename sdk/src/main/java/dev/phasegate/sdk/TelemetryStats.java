package dev.phasegate.sdk;

/**
 * Counters of the client's telemetry since it started, from {@link PhasegateClient#telemetryStats()}.
 * Every event a {@code track*} call accepted is, at any moment, in exactly one of {@code queued},
 * {@code sent}, {@code droppedOverflow} or {@code rejectedByServer}; invalid events are counted in
 * {@code droppedInvalid} and never queued. All zero while telemetry is off (no ingest token).
 *
 * <pre>{@code
 * TelemetryStats s = phasegate.telemetryStats();
 * if (s.droppedOverflow() > 0) log.warn("telemetry buffer overflowed: {}", s);
 * }</pre>
 *
 * @param queued           events held in memory: waiting, or in the batch being sent
 * @param sent             events the server stored
 * @param droppedOverflow  events dropped because the buffer was full (the oldest go first)
 * @param droppedInvalid   events dropped by the SDK before queueing because they break the contract
 *                         (e.g. rating 7, a NaN value, a malformed key)
 * @param rejectedByServer events the server refused: listed as rejected in a 202 answer, or in a batch
 *                         answered 400, 413 or 422
 * @param failedBatches    sending attempts that did not end in a 202: network errors, 5xx, 429, 401/403
 *                         (those events are kept and retried) and 400/413/422 (those are dropped)
 */
public record TelemetryStats(long queued, long sent, long droppedOverflow, long droppedInvalid, long rejectedByServer,
                             long failedBatches) {

    static final TelemetryStats OFF = new TelemetryStats(0, 0, 0, 0, 0, 0);
}
