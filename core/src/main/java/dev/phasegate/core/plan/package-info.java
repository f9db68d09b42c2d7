/**
 * Rollout plans: the immutable description of a rollout (phases with cumulative capacities, the
 * features each phase unlocks, percentage ramps, advance criteria, guards, runbook, contacts) and its
 * validation. Parsing from YAML or JSON happens in the server; this package only sees values.
 */
package dev.phasegate.core.plan;
