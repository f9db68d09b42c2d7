/**
 * The guard engine: every second it reads each active rollout's guards over sliding windows of the
 * in-memory telemetry, host samples or Prometheus, judges them (thresholds, beta-vs-control comparisons,
 * trends), records a {@link dev.phasegate.server.guard.GuardDecision} that says why, and tells the alert
 * book which alerts are breaching. Acting on alerts (pause, rollback) belongs to the guardian.
 */
package dev.phasegate.server.guard;
