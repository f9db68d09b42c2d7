/**
 * Host and process metrics: a sampler reads the machine through OSHI and the JVM's management beans every
 * {@code hostSampleInterval}, turns counters into rates, keeps the recent window in memory for guards
 * ({@link dev.phasegate.server.host.HostView}), stores samples for history and serves them at
 * {@code GET /api/v1/system/metrics}.
 */
package dev.phasegate.server.host;
