package dev.phasegate.core.gate;

/**
 * The answer for one feature and one user: a value and why.
 *
 * @param feature the feature key
 * @param enabled whether the user gets it
 * @param reason  why
 */
public record Evaluation(String feature, boolean enabled, Reason reason) {
    static Evaluation of(String feature, Reason reason) {
        return new Evaluation(feature, reason.enables(), reason);
    }
}
