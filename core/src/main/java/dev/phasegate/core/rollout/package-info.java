/**
 * Rollouts and their phase state machine: which transitions are allowed from which state, and whether a
 * changed plan may replace the one a live rollout runs.
 */
package dev.phasegate.core.rollout;
