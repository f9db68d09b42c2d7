package dev.phasegate.bench.evaluation;

/** The two features every SDK is configured with, by the same keys. */
final class Features {

    /** On for 25 % of all users by sticky percentage bucketing. */
    static final String RAMP = "ramp-25";
    /** On for the enrolled users only. */
    static final String ENROLLED = "beta-feature";
    /** The ramp's share of users, in percent. */
    static final int RAMP_PERCENT = 25;

    private Features() {
    }
}
