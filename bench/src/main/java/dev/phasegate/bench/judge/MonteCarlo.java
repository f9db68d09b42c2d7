package dev.phasegate.bench.judge;

import dev.phasegate.server.judge.ProportionJudge;
import dev.phasegate.server.judge.TailJudge;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hipparchus.stat.interval.BinomialProportion;
import org.hipparchus.stat.interval.ConfidenceInterval;

/**
 * Monte Carlo harness for the statistical judge: false alarm rates and detection power of
 * {@link ProportionJudge} and {@link TailJudge} checked every second for a simulated hour at 100 requests/s
 * per cohort. Prints one line per scenario with its target; asserts nothing.
 *
 * <pre>
 *   java -cp bench/target/phasegate-bench.jar dev.phasegate.bench.judge.MonteCarlo \
 *       [--runs=1000] [--latency-runs=1000] [--seed=20261127] [--threads=2] [--mixing-sd=0.05]
 * </pre>
 *
 * <p>Run {@code i} of a scenario uses seed {@code seed + i} (scenarios are offset by a constant), so the
 * figures do not depend on the number of threads.
 */
public final class MonteCarlo {
    private static final int HOUR = 3600;
    private static final double WARNING = 0.99;
    private static final double CRITICAL = 0.999;
    private static final long MIN_SAMPLES = 100;

    private MonteCarlo() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 1000;
        int latencyRuns = 1000;
        long seed = 20261127L;
        int threads = 2;
        double mixingSd = ProportionJudge.DEFAULT_MIXING_SD;
        String only = "abcd";
        for (String arg : args) {
            String value = arg.substring(arg.indexOf('=') + 1);
            switch (arg.substring(0, Math.max(arg.indexOf('='), 0))) {
                case "--runs" -> runs = Integer.parseInt(value);
                case "--latency-runs" -> latencyRuns = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--mixing-sd" -> mixingSd = Double.parseDouble(value);
                case "--scenarios" -> only = value;
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + " (--runs=, --latency-runs=, --seed=, --threads=, --mixing-sd=, --scenarios=abcd)");
            }
        }
        var errors = new ProportionJudge(WARNING, CRITICAL, MIN_SAMPLES, mixingSd);
        var tails = new TailJudge(WARNING, CRITICAL, MIN_SAMPLES, mixingSd);
        System.out.printf(Locale.ROOT, "judge Monte Carlo: %d req/s per cohort, checked every second for %d s; "
                        + "warning %.3f, critical %.3f, min %d per cohort, mixing sd %.3f; base seed %d; %d threads%n",
                Simulation.RATE, HOUR, WARNING, CRITICAL, MIN_SAMPLES, mixingSd, seed, threads);
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            if (only.contains("a")) {
                falseAlarms("(a) A/A errors 1 % vs 1 %", pool, runs, seed,
                        new Simulation.Errors(errors, 0.01, 0.01));
            }
            if (only.contains("b")) {
                detection("(b) errors 2 % vs 1 %", pool, runs, seed + 1_000_000,
                        new Simulation.Errors(errors, 0.02, 0.01), 0.95);
            }
            if (only.contains("c")) {
                double logSd = 0.5;
                double beta = Simulation.Latency.logSdForP99Factor(logSd, 3);
                detection(String.format(Locale.ROOT, "(c) latency lognormal median 100 ms, log-sd %.2f vs %.3f "
                                + "(same median, p99 x3)", logSd, beta), pool, latencyRuns, seed + 2_000_000,
                        new Simulation.Latency(tails, 100, logSd, beta), 0.95);
                falseAlarms("(c) A/A latency lognormal median 100 ms, log-sd 0.50", pool, latencyRuns,
                        seed + 3_000_000, new Simulation.Latency(tails, 100, logSd, logSd));
            }
            if (only.contains("d")) {
                detection("(d) sparse errors 0.3 % vs 0 %", pool, runs, seed + 4_000_000,
                        new Simulation.Errors(errors, 0.003, 0), 0.95);
                falseAlarms("(d) A/A errors 0 % vs 0 %", pool, Math.min(runs, 100), seed + 5_000_000,
                        new Simulation.Errors(errors, 0, 0));
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf(Locale.ROOT, "wall time %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    private static List<Simulation.Run> runAll(ExecutorService pool, int runs, long seed, Simulation simulation)
            throws Exception {
        List<Future<Simulation.Run>> futures = new ArrayList<>(runs);
        for (int i = 0; i < runs; i++) {
            long runSeed = seed + i;
            futures.add(pool.submit(() -> simulation.run(runSeed, HOUR)));
        }
        List<Simulation.Run> results = new ArrayList<>(runs);
        for (Future<Simulation.Run> future : futures) {
            results.add(future.get());
        }
        return results;
    }

    private static void falseAlarms(String name, ExecutorService pool, int runs, long seed, Simulation simulation)
            throws Exception {
        long started = System.nanoTime();
        List<Simulation.Run> results = runAll(pool, runs, seed, simulation);
        int warnings = (int) results.stream().filter(r -> r.firstWarning() > 0).count();
        int criticals = (int) results.stream().filter(r -> r.firstCritical() > 0).count();
        long[] alarmSeconds = results.stream().filter(r -> r.firstWarning() > 0)
                .mapToLong(Simulation.Run::firstWarning).sorted().toArray();
        System.out.printf(Locale.ROOT, "%s, %d runs: any warning-or-worse %s, any critical %s"
                        + "  [target <= 1 %%: %s]; first alarms at %s s  (%.1f s)%n", name, runs,
                fraction(warnings, runs), fraction(criticals, runs), warnings <= 0.01 * runs ? "met" : "MISSED",
                alarmSeconds.length <= 30 ? java.util.Arrays.toString(alarmSeconds) : "median " + median(alarmSeconds),
                (System.nanoTime() - started) / 1e9);
    }

    private static void detection(String name, ExecutorService pool, int runs, long seed, Simulation simulation,
                                  double target) throws Exception {
        long started = System.nanoTime();
        List<Simulation.Run> results = runAll(pool, runs, seed, simulation);
        long[] requests = results.stream().filter(r -> r.firstCritical() > 0)
                .mapToLong(Simulation.Run::requestsAtCritical).sorted().toArray();
        long[] criticalSeconds = results.stream().filter(r -> r.firstCritical() > 0)
                .mapToLong(Simulation.Run::firstCritical).sorted().toArray();
        long[] warningSeconds = results.stream().filter(r -> r.firstWarning() > 0)
                .mapToLong(Simulation.Run::firstWarning).sorted().toArray();
        int detected = requests.length;
        System.out.printf(Locale.ROOT, "%s, %d runs: critical within the hour %s  [target >= %.0f %%: %s]; "
                        + "median to critical %s requests per cohort (%s s), 90th percentile %s; "
                        + "median to first warning %s s  (%.1f s)%n",
                name, runs, fraction(detected, runs), 100 * target, detected >= target * runs ? "met" : "MISSED",
                median(requests), median(criticalSeconds), percentile(requests, 0.9), median(warningSeconds),
                (System.nanoTime() - started) / 1e9);
    }

    /** {@code k/n} as a percentage with its 95 % Wilson score interval. */
    private static String fraction(int k, int n) {
        ConfidenceInterval ci = BinomialProportion.getWilsonScoreInterval(n, (double) k / n, 0.95);
        return String.format(Locale.ROOT, "%d/%d = %.2f %% (95 %% CI %.2f-%.2f %%)", k, n, 100.0 * k / n,
                100 * ci.getLowerBound(), 100 * ci.getUpperBound());
    }

    private static String median(long[] sorted) {
        return percentile(sorted, 0.5);
    }

    private static String percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,d", sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
    }
}
