/**
 * Remediation and maintenance actions, and their record: what ran, why, when and with which result
 * ({@link dev.phasegate.server.action.ActionLog}, {@code GET /api/v1/actions}). A guard's {@code onWarning}
 * webhook is called when its warning or critical alert fires, with a cooldown
 * ({@link dev.phasegate.server.action.Remediation}); the store is analyzed, vacuumed or checkpointed on a
 * schedule and telemetry retention runs are recorded ({@link dev.phasegate.server.action.Maintenance}).
 * Auto-advance ({@code advance} package) records its advances here too.
 */
package dev.phasegate.server.action;
