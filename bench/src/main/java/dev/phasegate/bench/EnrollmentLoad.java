package dev.phasegate.bench;

import dev.phasegate.server.Phasegate;

import java.io.IOException;
import java.net.JarURLConnection;
import java.nio.file.attribute.FileTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

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

    /** The measured rollout, and the warm-up's own, so the measured one starts empty with its whole capacity. */
    private static final String ROLLOUT = "bench";
    private static final String WARMUP_ROLLOUT = "bench-warmup";
    /** Kernel threads, the shell and the JIT's neighbours stay below this on a quiet machine here (about 1-3%). */
    private static final double OTHERS_WARNING_PERCENT = 10;

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

            AdmissionLoad.Tally warmup = null;
            boolean warmupMatches = true;
            if (!options.warmup().isZero()) {
                api.putRollout(WARMUP_ROLLOUT, options.capacity());
                System.out.println("   warm-up: " + options.warmup().toSeconds() + "s on rollout '" + WARMUP_ROLLOUT + "' (discarded)");
                warmup = new AdmissionLoad(api, WARMUP_ROLLOUT, options.clients()).run("warm-", options.warmup());
                EnrollmentApi.Counts warmupServer = api.counts(WARMUP_ROLLOUT);
                warmupMatches = warmupServer.enrolled() == warmup.enrolled() && warmupServer.waitlisted() == warmup.waitlisted();
                System.out.printf(Locale.ROOT, "   warm-up: %d admissions, %.0f/s, %d errors, check=%s%n", warmup.enrolled(),
                        warmup.perSecond(warmup.enrolled()), warmup.errorCount(), warmupMatches ? "OK" : "MISMATCH");
            }
            if (options.analyze()) {
                System.out.println("   statistics: " + node.analyze());
            }
            System.out.println("   measuring: " + options.duration().toSeconds() + "s on rollout '" + ROLLOUT + "' (load average before: "
                    + CpuUse.loadAverage() + ")");
            CpuUse cpu = CpuUse.start();
            AdmissionLoad.Tally run = new AdmissionLoad(api, ROLLOUT, options.clients()).run("user-", options.duration());
            CpuUse.Shares cpuUse = cpu.since();

            EnrollmentApi.Counts server = api.counts(ROLLOUT);
            boolean countsMatch = server.enrolled() == run.enrolled() && server.waitlisted() == run.waitlisted();
            long errors = run.errorCount() + (warmup == null ? 0 : warmup.errorCount());

            printResult(name, options, run, countsMatch, TARGETS.get(store));
            printDetails(run, server, countsMatch, warmup);
            System.out.println("   cpu while measuring: " + CpuUse.describe(cpuUse));
            if (cpuUse.others() > OTHERS_WARNING_PERCENT) {
                System.out.printf(Locale.ROOT, "   WARNING: other processes took %.0f%% of the machine while measuring; "
                        + "the figures above are understated, run again on a quiet machine%n", cpuUse.others());
            }
            return countsMatch && warmupMatches && errors == 0 && !run.aborted() && run.existing() == 0;
        } catch (IOException | RuntimeException e) {
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

    private static void printDetails(AdmissionLoad.Tally run, EnrollmentApi.Counts server, boolean countsMatch, AdmissionLoad.Tally warmup) {
        var h = run.latency();
        System.out.printf(Locale.ROOT, "   measured %.2fs; latency mean=%.2fms p90=%.2fms p99.9=%.2fms max=%.2fms over %d answers (%.0f/s)%n",
                run.elapsedNanos() / 1e9, h.getMean() / 1e6, AdmissionLoad.millis(h.getValueAtPercentile(90)),
                AdmissionLoad.millis(h.getValueAtPercentile(99.9)), AdmissionLoad.millis(h.getMaxValue()), h.getTotalCount(),
                run.perSecond(h.getTotalCount()));
        if (run.perSlice().size() > 1) {
            System.out.println("   rate per " + AdmissionLoad.SLICE.toSeconds() + "s slice: " + run.perSlice().stream()
                    .map(n -> String.format(Locale.ROOT, "%.0f/s", n / (double) AdmissionLoad.SLICE.toSeconds()))
                    .collect(Collectors.joining(", ")));
        }
        System.out.printf(Locale.ROOT, "   server: enrolled=%d waitlisted=%d; clients saw enrolled=%d waitlisted=%d%s%n",
                server.enrolled(), server.waitlisted(), run.enrolled(), run.waitlisted(), countsMatch ? "" : "  <-- MISMATCH");
        if (run.waitlisted() > 0) {
            System.out.println("   note: " + run.waitlisted() + " users were waitlisted: the capacity was reached during the run, so the "
                    + "admission rate above is capped by it (the slices show when); raise --capacity or shorten --duration");
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
        System.out.println("Phasegate enrollment admission load, "
                + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) + " UTC; server classes built "
                + serverBuildTime());
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

    /**
     * When the server's classes were compiled, from their jar entry: the server changes often and the
     * version says only SNAPSHOT, so this tells which build a figure belongs to.
     */
    private static String serverBuildTime() {
        try {
            if (Phasegate.class.getResource("Phasegate.class").openConnection() instanceof JarURLConnection jar) {
                FileTime compiled = jar.getJarEntry().getLastModifiedTime();
                return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(compiled.toInstant().atZone(ZoneOffset.UTC)) + " UTC";
            }
            return "(unknown: not in a jar)";
        } catch (IOException | RuntimeException e) {
            return "(unknown)";
        }
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
        return properties;
    }
}
