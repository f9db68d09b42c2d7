/**
 * Feature gating: "does user U get feature F?" as a pure function of a rollout's rules, the user's
 * membership and the feature's kill switch. The server and the SDK both call {@link
 * dev.phasegate.core.gate.RolloutGate}, so they cannot disagree. Bucketing for percentage ramps is
 * {@link dev.phasegate.core.gate.Bucketing}, with pinned vectors in docs/bucketing.md.
 */
package dev.phasegate.core.gate;
