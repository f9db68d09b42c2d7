package dev.phasegate.server.judge;

import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * The one-sided normal-mixture sequential probability ratio test (mSPRT) for an effect {@code θ} whose
 * estimate {@code x} is approximately normal with variance {@code s²}, and the confidence sequence it gives.
 *
 * <p>Source: R. Johari, L. Pekelis, D. Walsh, "Always valid inference: continuous monitoring of A/B tests",
 * Operations Research 70(3), 2022 (arXiv:1512.04922): mix the likelihood ratio of {@code θ} against
 * {@code θ0} over a prior {@code H} on {@code θ}; the mixture is a nonnegative martingale under {@code θ0}, so by
 * Ville's inequality it ever reaches {@code 1/α} with probability at most {@code α}, however often it is
 * looked at. With the variance plugged in from the data, as they do for their two-stream test, this holds
 * asymptotically. They mix with a normal {@code H = N(θ0, τ²)} (two-sided); we mix with its half above
 * {@code θ0}, which tests {@code H0: θ ≤ θ0} against harm only and gives, in closed form,
 * <pre>
 *   Λ = 2 · √(s² / (s² + τ²)) · exp(z² / 2) · Φ(z),   z = (x − θ0) · τ / (s · √(s² + τ²))
 * </pre>
 * ({@code Φ}: standard normal distribution function, from Hipparchus). For {@code θ < θ0} every component of
 * the mixture is a supermartingale, so the composite null keeps level {@code α}.
 *
 * <p>{@code Λ} grows with {@code x − θ0}, so the {@code θ0} with {@code Λ = 1/α} is an always-valid lower
 * bound: {@code x − margin}. The mirror-image mixture (below {@code θ0}) gives the upper bound
 * {@code x + margin}. Where {@code τ²} comes from is the caller's choice (see {@link TwoProportions}).
 */
final class OneSidedMixture {
    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution();
    private static final double LOG_2 = Math.log(2);
    // Below this, Φ(z) underflows toward 0; exp(z²/2)·Φ(z) is then 1/(|z|·√(2π)) to within 1/z² (Mills ratio).
    private static final double MILLS_CUTOFF = -30;

    private OneSidedMixture() {
    }

    /** {@code log Λ} against {@code θ0 = 0}: at least {@code log(1/α)} means harm is shown at level {@code α}. */
    static double logLikelihoodRatio(double estimate, double variance, double mixingVariance) {
        double z = estimate * Math.sqrt(mixingVariance) / Math.sqrt(variance * (variance + mixingVariance));
        return LOG_2 + 0.5 * Math.log(variance / (variance + mixingVariance)) + logExpHalfSquareTimesPhi(z);
    }

    /**
     * The {@code margin} such that {@code estimate − margin} is the always-valid lower bound of {@code θ} at
     * confidence {@code 1 − alpha}: the root of {@code log Λ(z) = log(1/α)}, found by Newton's method.
     */
    static double margin(double variance, double mixingVariance, double alpha) {
        double ratio = mixingVariance / variance;
        // Solve h(z) = z²/2 + log Φ(z) − c = 0. h is increasing and convex (the inverse Mills ratio
        // λ = φ/Φ has 0 < λ(z + λ) < 1), and h(√(2(c + log 2))) ≥ 0, so Newton's steps from there fall
        // monotonically onto the root. c > 0 for α < 1/2, so the root is positive and Φ(z) ≥ 1/2 throughout.
        double c = Math.log(1 / alpha) - LOG_2 + 0.5 * Math.log1p(ratio);
        double z = Math.sqrt(2 * (c + LOG_2));
        for (int i = 0; i < 50; i++) {
            double phi = STANDARD_NORMAL.cumulativeProbability(z);
            double h = z * z / 2 + Math.log(phi) - c;
            double step = h / (z + STANDARD_NORMAL.density(z) / phi);
            z -= step;
            if (Math.abs(step) < 1e-12) {
                break;
            }
        }
        return z * Math.sqrt(variance) * Math.sqrt(1 + 1 / ratio);
    }

    private static double logExpHalfSquareTimesPhi(double z) {
        if (z < MILLS_CUTOFF) {
            return -Math.log(-z * Math.sqrt(2 * Math.PI));
        }
        return z * z / 2 + Math.log(STANDARD_NORMAL.cumulativeProbability(z));
    }
}
