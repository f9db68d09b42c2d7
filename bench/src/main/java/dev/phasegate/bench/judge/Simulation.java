package dev.phasegate.bench.judge;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import dev.phasegate.server.judge.Outcome;
import dev.phasegate.server.judge.ProportionJudge;
import dev.phasegate.server.judge.TailJudge;
import dev.phasegate.server.judge.Verdict;
import java.util.SplittableRandom;

/**
 * One simulated hour of two cohorts, judged once per simulated second on everything seen since the start
 * (cumulative counts or sketches), the way the guard engine calls the judge.
 */
interface Simulation {
    /** Requests per second in each cohort. */
    int RATE = 100;
    /** Relative accuracy of the simulated latency sketches, DDSketch's usual 1 %. */
    double SKETCH_ACCURACY = 0.01;

    /** The first second at which each level was reached (0 when never), and requests per cohort then. */
    record Run(int firstWarning, int firstCritical, long requestsAtCritical) {
    }

    /**
     * Runs {@code seconds} simulated seconds from {@code seed}, stopping at the first critical: by then both
     * levels' first seconds are known, and nothing later changes what is reported.
     */
    Run run(long seed, int seconds);

    /** Error counts: Binomial(RATE, p) per cohort per second (0 ≤ p < 1), drawn by inverting a precomputed CDF. */
    record Errors(ProportionJudge judge, double betaRate, double controlRate) implements Simulation {
        @Override
        public Run run(long seed, int seconds) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] betaCdf = binomialCdf(RATE, betaRate);
            double[] controlCdf = binomialCdf(RATE, controlRate);
            long betaErrors = 0;
            long controlErrors = 0;
            int firstWarning = 0;
            for (int second = 1; second <= seconds; second++) {
                betaErrors += draw(betaCdf, random.nextDouble());
                controlErrors += draw(controlCdf, random.nextDouble());
                long requests = (long) second * RATE;
                Outcome outcome = judge.judge(betaErrors, requests, controlErrors, requests).outcome();
                if (firstWarning == 0 && (outcome == Outcome.WARNING || outcome == Outcome.CRITICAL)) {
                    firstWarning = second;
                }
                if (outcome == Outcome.CRITICAL) {
                    return new Run(firstWarning, second, requests);
                }
            }
            return new Run(firstWarning, 0, 0);
        }
    }

    /** Latencies: lognormal per request, same median in both cohorts, beta's log-sd chosen for its p99. */
    record Latency(TailJudge judge, double medianMillis, double controlLogSd, double betaLogSd) implements Simulation {
        /** The log-sd whose p99 is {@code factor} times that of {@code logSd}, at the same median. */
        static double logSdForP99Factor(double logSd, double factor) {
            return logSd + Math.log(factor) / 2.326_347_874_040_841; // Φ⁻¹(0.99)
        }

        @Override
        public Run run(long seed, int seconds) {
            SplittableRandom random = new SplittableRandom(seed);
            DDSketch beta = DDSketches.unboundedDense(SKETCH_ACCURACY);
            DDSketch control = DDSketches.unboundedDense(SKETCH_ACCURACY);
            double logMedian = Math.log(medianMillis);
            int firstWarning = 0;
            for (int second = 1; second <= seconds; second++) {
                for (int i = 0; i < RATE; i++) {
                    beta.accept(Math.exp(logMedian + betaLogSd * random.nextGaussian()));
                    control.accept(Math.exp(logMedian + controlLogSd * random.nextGaussian()));
                }
                Verdict verdict = judge.judge(beta, control);
                Outcome outcome = verdict.outcome();
                if (firstWarning == 0 && (outcome == Outcome.WARNING || outcome == Outcome.CRITICAL)) {
                    firstWarning = second;
                }
                if (outcome == Outcome.CRITICAL) {
                    return new Run(firstWarning, second, (long) second * RATE);
                }
            }
            return new Run(firstWarning, 0, 0);
        }
    }

    private static double[] binomialCdf(int n, double p) {
        double[] cdf = new double[n + 1];
        if (p == 0) {
            java.util.Arrays.fill(cdf, 1);
            return cdf;
        }
        double cumulative = 0;
        for (int k = 0; k <= n; k++) {
            cumulative += Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log(1 - p));
            cdf[k] = cumulative;
        }
        cdf[n] = 1;
        return cdf;
    }

    private static double logChoose(int n, int k) {
        double sum = 0;
        for (int i = 0; i < k; i++) {
            sum += Math.log(n - i) - Math.log(i + 1);
        }
        return sum;
    }

    private static int draw(double[] cdf, double u) {
        int k = 0;
        while (k < cdf.length - 1 && u >= cdf[k]) {
            k++;
        }
        return k;
    }
}
