package dev.phasegate.bench.evaluation;

import dev.phasegate.core.gate.Bucketing;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * Whether an SDK, set up for the benchmark, really answers as configured over the whole population: about
 * 25 % on for the ramp, and exactly the enrolled users for the beta feature. Each benchmark state runs
 * this before it is measured and fails the run if it is off. {@link #main} prints every SDK's shares.
 *
 * <pre>{@code
 * java -cp bench/target/benchmarks.jar dev.phasegate.bench.evaluation.ShareCheck
 * }</pre>
 */
final class ShareCheck {

    /**
     * How far, in percentage points, a ramp's share may be from 25 %. Over 100,000 independent users a fair
     * 25 % ramp has a standard deviation of 0.14 points, so one point only rejects a broken setup. (Phasegate
     * sits near 25.75 %: enrolled users get every unlocked feature, the ramp included.)
     */
    static final double TOLERANCE_POINTS = 1.0;

    /**
     * What one SDK answered for every user.
     *
     * @param rampOn             users with the ramp on
     * @param enrolledOn         users with the beta feature on
     * @param enrolledMismatches users whose beta answer differs from their enrollment
     */
    record Shares(String sdk, int users, int rampOn, int enrolledOn, int enrolledMismatches) {

        double rampPercent() {
            return 100.0 * rampOn / users;
        }

        boolean plausible() {
            return Math.abs(rampPercent() - Features.RAMP_PERCENT) <= TOLERANCE_POINTS && enrolledMismatches == 0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-20s ramp %6d on (%.2f %%), beta %5d on, %d wrong", sdk, rampOn, rampPercent(),
                    enrolledOn, enrolledMismatches);
        }
    }

    private ShareCheck() {
    }

    static Shares measure(String sdk, Population population, Predicate<String> ramp, Predicate<String> enrolled) {
        int rampOn = 0;
        int enrolledOn = 0;
        int mismatches = 0;
        for (int i = 0; i < population.size(); i++) {
            String id = population.id(i);
            if (ramp.test(id)) {
                rampOn++;
            }
            boolean on = enrolled.test(id);
            if (on) {
                enrolledOn++;
            }
            if (on != population.enrolled().contains(id)) {
                mismatches++;
            }
        }
        return new Shares(sdk, population.size(), rampOn, enrolledOn, mismatches);
    }

    /** The shares, or an exception naming them when they are not what the SDK was configured for. */
    static Shares require(String sdk, Population population, Predicate<String> ramp, Predicate<String> enrolled) {
        Shares shares = measure(sdk, population, ramp, enrolled);
        if (!shares.plausible()) {
            throw new IllegalStateException("not a fair comparison, the SDK is not answering as configured: " + shares);
        }
        return shares;
    }

    /** Phasegate's ramp, user by user: the enrolled users, plus everyone whose bucket is under 25. */
    static void requirePhasegateRule(String sdk, Population population, Predicate<String> ramp) {
        for (int i = 0; i < population.size(); i++) {
            String id = population.id(i);
            boolean expected = population.enrolled().contains(id) || Bucketing.bucket(Features.RAMP, id) < Features.RAMP_PERCENT;
            if (ramp.test(id) != expected) {
                throw new IllegalStateException(sdk + " answers " + !expected + " for " + id + " on " + Features.RAMP
                        + ", the rule says " + expected);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Population population = Population.STANDARD;
        System.out.println(population.size() + " users, " + population.enrolled().size() + " enrolled");
        System.out.println(measure("murmur3 floor", population,
                id -> Bucketing.bucket(Features.RAMP, id) < Features.RAMP_PERCENT, population.enrolled()::contains));
        try (PhasegateSide phasegate = PhasegateSide.start(population)) {
            requirePhasegateRule("Phasegate SDK", population, id -> phasegate.isEnabled(Features.RAMP, id));
            System.out.println(require("Phasegate SDK", population,
                    id -> phasegate.isEnabled(Features.RAMP, id), id -> phasegate.isEnabled(Features.ENROLLED, id)));
            System.out.println(require("Phasegate Evaluator", population,
                    id -> phasegate.evaluator().isEnabled(Features.RAMP, id), id -> phasegate.evaluator().isEnabled(Features.ENROLLED, id)));
        }
        try (UnleashPeer unleash = UnleashPeer.start(population)) {
            System.out.println(require("Unleash", population,
                    id -> unleash.isEnabled(Features.RAMP, id), id -> unleash.isEnabled(Features.ENROLLED, id)));
        }
        try (LaunchDarklyPeer launchDarkly = LaunchDarklyPeer.start(population)) {
            System.out.println(require("LaunchDarkly", population,
                    id -> launchDarkly.isEnabled(Features.RAMP, id), id -> launchDarkly.isEnabled(Features.ENROLLED, id)));
        }
        TogglzPeer togglz = TogglzPeer.start(population);
        System.out.println(require("Togglz", population,
                id -> togglz.isEnabled(TogglzPeer.Flag.RAMP_25, id), id -> togglz.isEnabled(TogglzPeer.Flag.BETA_FEATURE, id)));
    }
}
