package dev.phasegate.server.ofrep;

import dev.phasegate.core.gate.Reason;

/**
 * The OpenFeature resolution reason an OFREP answer carries for each of Phasegate's reasons. The OFREP
 * document lists {@code STATIC, TARGETING_MATCH, SPLIT, DISABLED, UNKNOWN} for {@code reason} ("An
 * OpenFeature reason for the evaluation"); {@code DEFAULT} is the OpenFeature specification's reason for
 * "the resolved value fell back to a pre-configured value (no dynamic evaluation occurred or dynamic
 * evaluation yielded no result)". Phasegate's own reason travels alongside in
 * {@code metadata.phasegateReason}, so nothing is lost by the coarser vocabulary.
 */
enum OpenFeatureReason {
    /** OpenFeature: "the resolved value was the result of a dynamic evaluation, such as a rule or specific user-targeting". */
    TARGETING_MATCH,
    /** OpenFeature: "the resolved value was the result of pseudorandom assignment". */
    SPLIT,
    /** OpenFeature: "the resolved value is static (no dynamic evaluation)". */
    STATIC,
    /** See the class comment. */
    DEFAULT,
    /** OpenFeature: "the resolved value was the result of the flag being disabled in the management system". */
    DISABLED,
    /** OpenFeature: "the reason for the resolved value could not be determined". */
    UNKNOWN;

    static OpenFeatureReason of(Reason reason) {
        return switch (reason) {
            // The user is an enrolled beta user and the current phase has unlocked the feature: targeting.
            case ENROLLED_PHASE -> TARGETING_MATCH;
            // Inside the sticky percentage ramp of all users: a hash of the user id, i.e. a split.
            case PERCENTAGE -> SPLIT;
            // A completed rollout gives the feature to everyone whatever the context: no dynamic evaluation
            // took place, so STATIC rather than DEFAULT (DEFAULT would say "fell back", and true is no
            // fallback but the rollout's final state).
            case COMPLETED -> STATIC;
            // The rules were evaluated and none gave this user the feature: the value is the flag's
            // pre-configured off, which is what DEFAULT means.
            case NOT_ENROLLED, WAITLISTED, PHASE_NOT_REACHED -> DEFAULT;
            // Off for everyone by an operator's or the guardian's decision, or not switched on yet: the flag
            // is disabled in the management system.
            case KILL_SWITCH, PAUSED, ROLLED_BACK, NOT_STARTED -> DISABLED;
            // Never sent: an unknown flag is a 404 FLAG_NOT_FOUND, not a success.
            case UNKNOWN_FEATURE -> UNKNOWN;
        };
    }
}
