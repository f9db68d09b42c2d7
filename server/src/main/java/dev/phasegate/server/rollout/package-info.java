/**
 * Rollouts on the server: applying plans, transitions through the phase state machine, the rollout
 * views of the API, and the per-rollout lock that serializes admission on a node.
 */
package dev.phasegate.server.rollout;
