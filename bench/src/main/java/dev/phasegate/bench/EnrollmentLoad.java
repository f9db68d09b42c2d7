package dev.phasegate.bench;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Enrollment admissions per second through the HTTP API: {@code clients} concurrent clients enroll new users
 * one request at a time into a one-phase rollout, on embedded H2 and on PostgreSQL, each store with a node
 * of its own started in this JVM on 127.0.0.1. Prints, per store, the rate, p50/p99 latency, errors and
 * whether the server's enrolled count matches the admissions the clients saw, next to the target.
 *
 * <pre>{@code
 * java -jar bench/target/phasegate-bench.jar --store=both --clients=64 --duration=20 --warmup=5
 * }</pre>
 *
 * Exit status: 0 when every store ran cleanly (whatever the speed: a benchmark reports, it does not judge),
 * 2 for bad options, 3 when a run is not trustworthy (errors, a count mismatch, or a store that could not run).
 */
public final class EnrollmentLoad {

    /** The targets on this 2-core machine, admissions per second with 64 clients. */
    static final Map<LoadOptions.Store, Integer> TARGETS = Map.of(LoadOptions.Store.H2, 2_000, LoadOptions.Store.POSTGRES, 1_000);

    private static final String ROLLOUT = "bench";

    private EnrollmentLoad() {
    }

    public static void main(String[] args) throws InterruptedException {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args, systemProperties());
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        printEnvironment(options);
        boolean trustworthy = true;
        for (LoadOptions.Store store : options.stores()) {
            trustworthy &= measure(store, options);
        }
        if (!trustworthy) {
            System.exit(3);
        }
    }

    /** Runs one store; prints its line; answers whether the run is trustworthy. */
    private static boolean measure(LoadOptions.Store store, LoadOptions options) throws InterruptedException {
        String name = store.apiName();
        System.out.println();
        System.out.println("== " + name + ": starting a node");
        try (BenchNode node = store == LoadOptions.Store.H2 ? BenchNode.onH2(System.out) : BenchNode.onPostgres(options.postgresUrl(), System.out);
             EnrollmentApi api = new EnrollmentApi(node.port(), node.adminToken())) {
            System.out.println("   store: " + node.storeDescription());
            api.putRollout(ROLLOUT, options.capacity());
            AdmissionLoad load = new AdmissionLoad(api, ROLLOUT, options.clients());

            AdmissionLoad.Tally warmup = null;
            if (!options.warmup().isZero()) {
                System.out.println("   warm-up: " + options.warmup().toSeconds() + "s (discarded)");
                warmup = load.run("warm-", options.warmup());
                System.out.printf(Locale.ROOT, "   warm-up: %d admissions, %.0f/s, %d errors%n", warmup.enrolled(),
                        warmup.perSecond(warmup.enrolled()), warmup.errorCount());
            }
            System.out.println("   measuring: " + options.duration().toSeconds() + "s (load average before: " + CpuUse.loadAverage() + ")");
            CpuUse cpu = CpuUse.start();
            AdmissionLoad.Tally run = load.run("user-", options.duration());
            String cpuUse = cpu.since();

            EnrollmentApi.Counts server = api.counts(ROLLOUT);
            long expectedEnrolled = run.enrolled() + (warmup == null ? 0 : warmup.enrolled());
            long expectedWaitlisted = run.waitlisted() + (warmup == null ? 0 : warmup.waitlisted());
            boolean countsMatch = server.enrolled() == expectedEnrolled && server.waitlisted() == expectedWaitlisted;
            long errors = run.errorCount() + (warmup == null ? 0 : warmup.errorCount());

            printResult(name, options, run, countsMatch, TARGETS.get(store));
            printDetails(run, server, expectedEnrolled, expectedWaitlisted, countsMatch, warmup);
            System.out.println("   cpu while measuring: " + cpuUse);
            return countsMatch && errors == 0 && !run.aborted() && run.existing() == 0;
        } catch (java.io.IOException | RuntimeException e) {
            System.out.println("store=" + name + " FAILED: " + e);
            return false;
        }
    }

    private static void printResult(String name, LoadOptions options, AdmissionLoad.Tally run, boolean countsMatch, int target) {
        double rate = run.perSecond(run.enrolled());
        System.out.printf(Locale.ROOT, "store=%s clients=%d duration=%ds admissions=%d rate=%.0f/s p50=%.2fms p99=%.2fms errors=%d check=%s"
                        + "  [target >= %d/s: %s]%n",
                name, options.clients(), options.duration().toSeconds(), run.enrolled(), rate,
                AdmissionLoad.millis(run.latency().getValueAtPercentile(50)), AdmissionLoad.millis(run.latency().getValueAtPercentile(99)),
                run.errorCount(), countsMatch ? "OK" : "MISMATCH", target, rate >= target ? "met" : "BELOW");
    }

    private static void printDetails(AdmissionLoad.Tally run, EnrollmentApi.Counts server, long expectedEnrolled, long expectedWaitlisted,
                                     boolean countsMatch, AdmissionLoad.Tally warmup) {
        var h = run.latency();
        System.out.printf(Locale.ROOT, "   measured %.2fs; latency mean=%.2fms p90=%.2fms p99.9=%.2fms max=%.2fms over %d answers%n",
                run.elapsedNanos() / 1e9, h.getMean() / 1e6, AdmissionLoad.millis(h.getValueAtPercentile(90)),
                AdmissionLoad.millis(h.getValueAtPercentile(99.9)), AdmissionLoad.millis(h.getMaxValue()), h.getTotalCount());
        System.out.printf(Locale.ROOT, "   server: enrolled=%d waitlisted=%d; clients saw enrolled=%d waitlisted=%d (warm-up included)%s%n",
                server.enrolled(), server.waitlisted(), expectedEnrolled, expectedWaitlisted, countsMatch ? "" : "  <-- MISMATCH");
        if (run.waitlisted() > 0) {
            System.out.println("   note: " + run.waitlisted() + " users were waitlisted: the capacity was reached during the run, "
                    + "so the rate above covers only part of it; raise --capacity or shorten --duration");
        }
        if (run.existing() > 0) {
            System.out.println("   note: " + run.existing() + " answers said the user existed already, which unique ids should never give");
        }
        if (run.aborted()) {
            System.out.println("   note: the run stopped early (" + AdmissionLoad.MAX_ERRORS + " errors, or clients that did not finish)");
        }
        printErrors("measured", run);
        if (warmup != null) {
            printErrors("warm-up", warmup);
        }
    }

    private static void printErrors(String phase, AdmissionLoad.Tally tally) {
        if (tally.errorCount() == 0) {
            return;
        }
        System.out.println("   " + phase + " errors: " + tally.errors());
        tally.errorSamples().forEach(s -> System.out.println("     e.g. " + s));
    }

    private static void printEnvironment(LoadOptions options) {
        Runtime rt = Runtime.getRuntime();
        System.out.println("Phasegate enrollment admission load, " + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE)
                + " " + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " UTC");
        System.out.printf(Locale.ROOT, "jvm: %s %s (%s), max heap %d MiB; cores: %d; os: %s %s %s%n",
                System.getProperty("java.vm.vendor"), System.getProperty("java.runtime.version"), System.getProperty("java.vm.name"),
                rt.maxMemory() / (1024 * 1024), rt.availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
        System.out.printf(Locale.ROOT, "load: %d clients (one request at a time each, keep-alive HTTP/1.1 on 127.0.0.1), "
                        + "%ds warm-up then %ds measured, rollout capacity %d%n",
                options.clients(), options.warmup().toSeconds(), options.duration().toSeconds(), options.capacity());
        System.out.printf(Locale.ROOT, "targets: h2 >= %d/s, postgres >= %d/s (clients, server and database share the cores)%n",
                TARGETS.get(LoadOptions.Store.H2), TARGETS.get(LoadOptions.Store.POSTGRES));
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
        return properties;
    }
}
