package dev.phasegate.server.judge;

import java.util.Locale;

/**
 * Is beta's error rate higher than control's? An always-valid one-sided test (see {@link TwoProportions} and
 * {@link OneSidedMixture}): the guard engine may call it every second on cumulative counts and a harmless
 * beta still alarms with probability at most {@code 1 − confidence} over the whole run.
 *
 * <pre>{@code
 * var judge = new ProportionJudge(0.99, 0.999, 100);
 * Verdict v = judge.judge(52, 2_000, 19, 2_000);   // beta 2.6 %, control 0.95 %
 * v.outcome();                                     // CRITICAL
 * }</pre>
 *
 * <p>Never {@link Outcome#PASS} while either cohort has fewer than {@code minSamplesPerCohort} requests; a
 * beta that does better than control never fires.
 */
public final class ProportionJudge {
    /**
     * The mixing standard deviation in units of the per-request standard deviation (see
     * {@link TwoProportions}): tuned with {@code bench/run-judge.sh}, where it detects 2 % against 1 % at
     * 100 requests/s per cohort in about a minute and keeps A/A false alarms well under 1 %.
     */
    public static final double DEFAULT_MIXING_SD = 0.05;
    static final String STATISTIC = "error-rate";

    private final double warningConfidence;
    private final double criticalConfidence;
    private final long minSamplesPerCohort;
    private final double mixingSd;

    /** E.g. {@code new ProportionJudge(0.99, 0.999, 100)}. */
    public ProportionJudge(double warningConfidence, double criticalConfidence, long minSamplesPerCohort) {
        this(warningConfidence, criticalConfidence, minSamplesPerCohort, DEFAULT_MIXING_SD);
    }

    /** As above, with the mixture's standard deviation (per-request standard deviations) given. */
    public ProportionJudge(double warningConfidence, double criticalConfidence, long minSamplesPerCohort,
                           double mixingSd) {
        Checks.confidences(warningConfidence, criticalConfidence);
        Checks.positive("minSamplesPerCohort", minSamplesPerCohort);
        Checks.positive("mixingSd", mixingSd);
        this.warningConfidence = warningConfidence;
        this.criticalConfidence = criticalConfidence;
        this.minSamplesPerCohort = minSamplesPerCohort;
        this.mixingSd = mixingSd;
    }

    /** Judges cumulative counts: errors and requests of each cohort since the comparison began. */
    public Verdict judge(long betaErrors, long betaRequests, long controlErrors, long controlRequests) {
        Checks.counts("beta", betaErrors, betaRequests);
        Checks.counts("control", controlErrors, controlRequests);
        String rates = String.format(Locale.ROOT, "beta %s (%,d/%,d), control %s (%,d/%,d)",
                Checks.percent((double) betaErrors / betaRequests), betaErrors, betaRequests,
                Checks.percent((double) controlErrors / controlRequests), controlErrors, controlRequests);
        if (betaRequests == 0 || controlRequests == 0) {
            return new Verdict(Outcome.INSUFFICIENT_DATA, STATISTIC, Double.NaN, Double.NaN, Double.NaN,
                    warningConfidence, betaRequests, controlRequests, String.format(Locale.ROOT,
                    "Insufficient data: error rates %s; each cohort needs %,d requests.", rates,
                    minSamplesPerCohort));
        }
        TwoProportions.Evidence evidence = TwoProportions.compare(betaErrors, betaRequests, controlErrors,
                controlRequests, mixingSd, 1 - warningConfidence, 1 - criticalConfidence);
        boolean enough = betaRequests >= minSamplesPerCohort && controlRequests >= minSamplesPerCohort;
        Outcome outcome = enough ? evidence.outcome() : Outcome.INSUFFICIENT_DATA;
        double confidence = 1 - evidence.alpha();
        String effect = String.format(Locale.ROOT, "difference %s pp (always-valid %s %% bounds %s to %s pp)",
                Checks.points(evidence.estimate()), Checks.confidence(confidence),
                Checks.points(evidence.lower()), Checks.points(evidence.upper()));
        String explanation = switch (outcome) {
            case INSUFFICIENT_DATA -> String.format(Locale.ROOT,
                    "Insufficient data: error rates %s, %s; each cohort needs %,d requests.",
                    rates, effect, minSamplesPerCohort);
            case CRITICAL, WARNING -> String.format(Locale.ROOT,
                    "Beta's error rate is higher than control's (%s): %s, %s.",
                    rates, effect, outcome.wireName());
            case PASS -> String.format(Locale.ROOT,
                    "No evidence that beta's error rate is higher than control's (%s): %s%s.", rates, effect,
                    betaErrors > 0 && controlErrors == 0 ? "; control has no errors yet, so this is watched" : "");
        };
        return new Verdict(outcome, STATISTIC, 100 * evidence.estimate(), 100 * evidence.lower(),
                100 * evidence.upper(), confidence, betaRequests, controlRequests, explanation);
    }
}
