package dev.phasegate.server.judge;

import java.util.Locale;

/** Argument checks with messages that name the value, and the number formats explanations share. */
final class Checks {
    private Checks() {
    }

    static void confidences(double warning, double critical) {
        if (!(warning > 0.5 && warning < 1)) {
            throw new IllegalArgumentException("warningConfidence must be in (0.5, 1), was " + warning);
        }
        if (!(critical >= warning && critical < 1)) {
            throw new IllegalArgumentException("criticalConfidence must be in [warningConfidence, 1), was "
                    + critical + " (warningConfidence " + warning + ")");
        }
    }

    static void positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    static void counts(String cohort, long errors, long requests) {
        if (errors < 0 || requests < 0 || errors > requests) {
            throw new IllegalArgumentException(cohort + " counts must satisfy 0 <= errors <= requests, were "
                    + errors + " errors of " + requests + " requests");
        }
    }

    /** A proportion as a percentage, e.g. {@code 1.25 %}; "n/a" for 0/0. */
    static String percent(double proportion) {
        return Double.isNaN(proportion) ? "n/a" : String.format(Locale.ROOT, "%.2f %%", 100 * proportion);
    }

    /** A difference of proportions in signed percentage points, e.g. {@code +0.42}. */
    static String points(double proportion) {
        return String.format(Locale.ROOT, "%+.2f", 100 * proportion);
    }

    /** A confidence as a percentage with as many decimals as it needs, e.g. {@code 99.9}. */
    static String confidence(double confidence) {
        return new java.math.BigDecimal(100 * confidence).round(new java.math.MathContext(6))
                .stripTrailingZeros().toPlainString();
    }
}
