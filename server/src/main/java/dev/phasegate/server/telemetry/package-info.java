/**
 * Telemetry from applications: {@code POST /api/v1/events} parses a batch with Jackson's streaming parser,
 * validates each event on its own (partial acceptance), attributes it to a cohort (beta in a phase, or
 * control) from the published rules, and adds it to in-memory 10 s rollups with mergeable sketches
 * (DDSketch for latencies, HyperLogLog for distinct users). Closed buckets are flushed as additive rows to
 * {@code telemetry_rollup} and downsampled (10 s → 1 min → 1 h). Guards read {@link
 * dev.phasegate.server.telemetry.TelemetryView}; {@code GET /api/v1/rollouts/{key}/metrics} serves dashboards.
 * The wiring is {@link dev.phasegate.server.telemetry.Telemetry}.
 */
package dev.phasegate.server.telemetry;
