package dev.phasegate.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How busy the machine and this JVM were over an interval, as shares of all cores. On a 2-core machine the
 * clients, the node and the database compete for the same cores, so a figure means little without knowing
 * whether they were saturated, and whether something else (a build, a test run) was taking its share.
 * Machine figures come from /proc/stat and are omitted where it does not exist.
 */
final class CpuUse {

    private static final Path PROC_STAT = Path.of("/proc/stat");

    private final long startWall;
    private final long startProcess;
    private final long[] startMachine;

    private CpuUse(long startWall, long startProcess, long[] startMachine) {
        this.startWall = startWall;
        this.startProcess = startProcess;
        this.startMachine = startMachine;
    }

    static CpuUse start() {
        return new CpuUse(System.nanoTime(), processCpuNanos(), machineTicks());
    }

    /** The load average of the last minute: well above 0 before a run means something else is busy. */
    static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", load);
    }

    /** For example "machine 100% busy: this JVM 64%, other processes 36%". */
    String since() {
        int cores = Runtime.getRuntime().availableProcessors();
        long wall = System.nanoTime() - startWall;
        long process = processCpuNanos() - startProcess;
        double jvm = startProcess < 0 ? -1 : 100.0 * process / ((double) wall * cores);
        long[] end = machineTicks();
        if (startMachine == null || end == null) {
            return jvm < 0 ? "n/a" : String.format(Locale.ROOT, "this JVM %.0f%% of all cores", jvm);
        }
        double busy = 100.0 * (end[0] - startMachine[0]) / Math.max(1, end[1] - startMachine[1]);
        return String.format(Locale.ROOT, "machine %.0f%% busy: this JVM %.0f%%, other processes %.0f%%", busy, jvm, Math.max(0, busy - jvm));
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** {busy, total} ticks of all cores, or null. Busy is everything but idle and iowait. */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new long[]{total - idle, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
