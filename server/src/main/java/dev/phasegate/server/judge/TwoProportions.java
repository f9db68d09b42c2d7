package dev.phasegate.server.judge;

/**
 * Beta's proportion against control's (error rate, share of slow requests) by the one-sided always-valid
 * mSPRT ({@link OneSidedMixture}), with a small-sample-safe variance. Shared by both judges.
 *
 * <p><b>Variance.</b> Agresti and Caffo's pseudo-counts ("Simple and effective confidence intervals for
 * proportions and differences of proportions result from adding two successes and two failures", The
 * American Statistician 54(4), 2000): each cohort's rate is taken as {@code (x + 1) / (n + 2)}, and the
 * estimate's variance as {@code Σ p̃(1 − p̃) / (n + 2)}. With zero errors in one or both cohorts the variance
 * stays positive (a plain {@code p(1 − p)/n} would be 0, the statistic infinite or NaN), and 5 errors in beta
 * against none in control are judged as about 6 against 1, not waved through.
 *
 * <p><b>Mixing variance.</b> Johari, Pekelis and Walsh choose the mixing distribution to match the
 * effects one expects to see (in their deployment at Optimizely, fitted to the effects of past experiments). We have no history, so we
 * state {@code τ} in units of the per-request standard deviation {@code σ̄ = √(p̄(1 − p̄))} (pooled, with the
 * same pseudo-counts): {@code τ = mixingSd · σ̄}. One number then serves every base rate, and it is chosen,
 * with the Monte Carlo harness ({@code bench/run-judge.sh}), so that a doubling of a 1 % error rate at 100
 * requests per second is caught within minutes while A/A runs stay quiet for an hour. Scaling by the pooled
 * rate makes {@code τ} depend on the data, as the plugged-in variance already does; the simulation measures
 * the false alarm rate that results.
 */
final class TwoProportions {
    private TwoProportions() {
    }

    /**
     * @param estimate     adjusted beta rate minus adjusted control rate (a proportion, not percentage points)
     * @param margin       distance from the estimate to either always-valid bound at {@code 1 − alpha}
     * @param alpha        the level the margin belongs to: the critical one when critical, else the warning one
     * @param logEvidence  {@code log Λ} against "beta no worse than control"
     */
    record Evidence(Outcome outcome, double estimate, double margin, double alpha, double logEvidence) {
        /** The lower bound, never below -1: a difference of proportions cannot be. */
        double lower() {
            return Math.max(-1, estimate - margin);
        }

        /** The upper bound, never above 1. */
        double upper() {
            return Math.min(1, estimate + margin);
        }
    }

    static Evidence compare(long betaHits, long betaTotal, long controlHits, long controlTotal,
                            double mixingSd, double warningAlpha, double criticalAlpha) {
        return compare(betaHits, betaTotal, controlHits, controlTotal, 0, mixingSd, warningAlpha, criticalAlpha);
    }

    /** As above, with {@code extraVariance} added to the estimate's variance (see {@link TailJudge}). */
    static Evidence compare(long betaHits, long betaTotal, long controlHits, long controlTotal, double extraVariance,
                            double mixingSd, double warningAlpha, double criticalAlpha) {
        double beta = (betaHits + 1.0) / (betaTotal + 2.0);
        double control = (controlHits + 1.0) / (controlTotal + 2.0);
        double estimate = beta - control;
        double variance = beta * (1 - beta) / (betaTotal + 2.0) + control * (1 - control) / (controlTotal + 2.0)
                + extraVariance;
        double pooled = (betaHits + controlHits + 2.0) / (betaTotal + controlTotal + 4.0);
        double mixingVariance = mixingSd * mixingSd * pooled * (1 - pooled);

        double logEvidence = OneSidedMixture.logLikelihoodRatio(estimate, variance, mixingVariance);
        double criticalMargin = OneSidedMixture.margin(variance, mixingVariance, criticalAlpha);
        if (estimate > criticalMargin) {
            return new Evidence(Outcome.CRITICAL, estimate, criticalMargin, criticalAlpha, logEvidence);
        }
        double warningMargin = OneSidedMixture.margin(variance, mixingVariance, warningAlpha);
        Outcome outcome = estimate > warningMargin ? Outcome.WARNING : Outcome.PASS;
        return new Evidence(outcome, estimate, warningMargin, warningAlpha, logEvidence);
    }
}
