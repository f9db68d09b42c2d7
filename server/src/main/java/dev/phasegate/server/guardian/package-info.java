/**
 * The guardian: acts on guards' alerts. A critical alert pauses or rolls back the rollout, as the
 * guard's {@code onCritical} says; a warning, or a guard without data, holds automatic advancement (the
 * readiness report reads the same alerts). Every decision is stored with the alert's decision record it
 * was based on, and written to the rollout's open incident.
 */
package dev.phasegate.server.guardian;
