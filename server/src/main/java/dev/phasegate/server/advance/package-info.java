/**
 * Phase readiness and auto-advance. {@link dev.phasegate.server.advance.Readiness} explains, criterion by
 * criterion, whether the current phase of a rollout may be left (its plan's {@code advance} criteria, plus no
 * firing alert, every guard with data and enough samples); {@code GET /api/v1/rollouts/{key}/readiness}
 * serves it. {@link dev.phasegate.server.advance.AutoAdvancer} advances rollouts whose current phase says
 * {@code auto: true} once they are ready, as the {@code guardian}, and records each advance as an action.
 * The judgement itself ({@code Criteria}) is pure: evidence in, report out.
 */
package dev.phasegate.server.advance;
