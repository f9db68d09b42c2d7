/**
 * Prometheus, both ways: {@link dev.phasegate.server.prometheus.Exposition} owns the node's
 * {@code MeterRegistry} and serves it at {@code GET /metrics} (with HTTP server metrics per route template);
 * {@link dev.phasegate.server.prometheus.PrometheusQuery} asks a Prometheus server an instant PromQL query
 * for guards, answering a value, no data or a failure, never an exception.
 */
package dev.phasegate.server.prometheus;
