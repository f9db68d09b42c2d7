package dev.phasegate.server.telemetry;

/**
 * One validated telemetry event. One record for every type keeps the parser's hot loop free of
 * per-type classes; {@code amount} is the type's number (request latency, session duration in ms, metric value).
 *
 * @param timestamp epoch milliseconds
 * @param error     a request that failed
 * @param rating    feedback rating 1–5, else 0
 * @param name      metric name, else null
 */
record Event(EventType type, long timestamp, String userId, String rollout, String feature, double amount,
             boolean error, int rating, String comment, String name) {
}
